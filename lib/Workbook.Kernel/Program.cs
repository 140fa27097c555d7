Console.WriteLine("kernel");
