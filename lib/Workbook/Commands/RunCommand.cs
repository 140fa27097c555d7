using System.CommandLine;

namespace Workbook.Commands;

/// <summary><c>workbook run PATH...</c>: executes notebooks top to bottom and writes executed copies.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("paths") { Description = "Notebooks, or folders of notebooks.", Arity = ArgumentArity.OneOrMore };
        var command = new Command("run", "Execute notebooks headless and write executed copies with their outputs and plots.");
        command.Arguments.Add(paths);
        command.SetAction(parse =>
        {
            Console.WriteLine(string.Join(", ", parse.GetValue(paths) ?? []));
            return 0;
        });
        return command;
    }
}
