using System.Text.Json.Nodes;

namespace Workbook.Tests.Notebooks;

public class RunnerTests : IDisposable
{
    private readonly Fixtures _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public async Task Variables_methods_and_classes_carry_from_cell_to_cell()
    {
        _f.Write("state.ipynb",
            "var x = 20;",
            "int Twice(int v) => 2 * v;\nclass Box { public int Value = 1; }",
            "Console.WriteLine(Twice(x) + new Box().Value);");
        var (code, _, stderr) = await _f.RunAsync(_f.Folder);
        Assert.Equal(0, code);
        Assert.Equal("", stderr);
        var outputs = _f.Executed("state.ipynb").Outputs(2);
        Assert.Equal("41\n", Assert.Single(outputs)!["text"].Text());
    }

    [Fact]
    public async Task Display_and_a_trailing_expression_become_display_data_and_execute_result()
    {
        _f.Write("display.ipynb", "display(42);\nnew List<int> { 1, 2 }.Display();\n\"hello\"", "var y = 1;\ny + 1");
        var (code, _, _) = await _f.RunAsync(_f.Folder);
        Assert.Equal(0, code);
        var nb = _f.Executed("display.ipynb");
        var outputs = nb.Outputs(0);
        Assert.Equal(3, outputs.Count);
        // As in VS Code and Jupyter: values as HTML only (the engine's default MIME type), strings as plain text.
        Assert.Equal("display_data", (string?)outputs[0]!["output_type"]);
        Assert.Equal(["text/html"], ((JsonObject)outputs[0]!["data"]!).Select(kv => kv.Key));
        Assert.Contains("<pre>42</pre>", outputs[0]!["data"]!["text/html"].Text());
        Assert.Equal("display_data", (string?)outputs[1]!["output_type"]);
        Assert.Equal("execute_result", (string?)outputs[2]!["output_type"]);
        Assert.Equal(["text/plain"], ((JsonObject)outputs[2]!["data"]!).Select(kv => kv.Key));
        Assert.Equal("hello", outputs[2]!["data"]!["text/plain"].Text());
        Assert.Equal(1, (int?)outputs[2]!["execution_count"]);
        Assert.Equal(2, (int?)nb["cells"]![1]!["execution_count"]);
        Assert.Contains("<pre>2</pre>", nb.Outputs(1)[0]!["data"]!["text/html"].Text());
    }

    [Fact]
    public async Task Console_output_becomes_stream_outputs_in_order_with_displays()
    {
        _f.Write("streams.ipynb", "Console.Write(\"a\");\nConsole.WriteLine(\"b\");\nConsole.Error.WriteLine(\"warn\");\ndisplay(1);\nConsole.WriteLine(\"c\");");
        await _f.RunAsync(_f.Folder);
        var outputs = _f.Executed("streams.ipynb").Outputs(0);
        Assert.Equal(["stream:stdout", "stream:stderr", "display_data:", "stream:stdout"],
            outputs.Select(o => $"{(string?)o!["output_type"]}:{(string?)o["name"]}"));
        Assert.Equal("ab\n", outputs[0]!["text"].Text());
        Assert.Equal("warn\n", outputs[1]!["text"].Text());
        Assert.Equal("c\n", outputs[3]!["text"].Text());
    }

    [Fact]
    public async Task A_dll_is_referenced_by_a_path_relative_to_the_notebook()
    {
        var relative = Path.GetRelativePath(_f.Folder, Fixtures.LibraryDll).Replace('\\', '/');
        _f.Write("dll.ipynb",
            $"#!csharp\n#r \"nuget: MathNet.Numerics, 5.0.0\"\n#r \"{relative}\"\nusing SequenceModels;",
            "var rnn = new Rnn<double>(2, 3, new Random(0));\nrnn.HiddenSize");
        var (code, _, stderr) = await _f.RunAsync(_f.Folder);
        Assert.True(code == 0, stderr);
        var outputs = _f.Executed("dll.ipynb").Outputs(0);
        Assert.Contains("<strong>Installed Packages</strong><ul><li><span>MathNet.Numerics, 5.0.0</span>", Assert.Single(outputs)!["data"]!["text/html"].Text());
        Assert.Contains("<pre>3</pre>", _f.Executed("dll.ipynb").Outputs(1)[0]!["data"]!["text/html"].Text());
    }

    [Fact]
    public async Task A_compile_error_names_the_cell_and_line_and_stops_the_notebook()
    {
        _f.Write("compile.ipynb", "var ok = 1;", "var a = 1;\nvar b = undefinedName + 1;", "Console.WriteLine(\"not reached\");");
        var (code, _, stderr) = await _f.RunAsync(_f.Folder);
        Assert.Equal(1, code);
        var outputs = _f.Executed("compile.ipynb").Outputs(1);
        Assert.Equal(["stream", "error"], outputs.Select(o => (string?)o!["output_type"]));
        Assert.StartsWith("\n(2,9): error CS0103:", outputs[0]!["text"].Text()); // the diagnostics, as Jupyter shows them
        var error = outputs[1]!;
        Assert.Equal("CompilationError", (string?)error["ename"]);
        Assert.Equal("cell 2, line 2, column 9: error CS0103: The name 'undefinedName' does not exist in the current context", (string?)error["evalue"]);
        Assert.Contains("compile.ipynb, CompilationError: cell 2, line 2", stderr);
        var third = _f.Executed("compile.ipynb")["cells"]![2]!;
        Assert.Empty((JsonArray)third["outputs"]!);
        Assert.Null(third["execution_count"]);
    }

    [Fact]
    public async Task An_exception_names_its_cell_type_and_method_and_stops_the_notebook()
    {
        _f.Write("throw.ipynb", "int Check(int v)\n{\n    if (v > 1) throw new ArgumentException(\"too big\");\n    return v;\n}", "Check(1);\nCheck(5);", "1 + 1");
        var (code, _, stderr) = await _f.RunAsync(_f.Folder);
        Assert.Equal(1, code);
        var nb = _f.Executed("throw.ipynb");
        var error = Assert.Single(nb.Outputs(1))!;
        Assert.Equal("System.ArgumentException", (string?)error["ename"]);
        Assert.Equal("cell 2: too big", (string?)error["evalue"]);
        // The engine compiles cells without line information, so the trace names the method, not the line.
        Assert.Contains(((JsonArray)error["traceback"]!).Select(l => (string?)l), l => l!.Contains(".Check(Int32 v)"));
        Assert.Empty(nb.Outputs(2));
        Assert.Contains("throw.ipynb, System.ArgumentException: cell 2: too big", stderr);
    }

    [Fact]
    public async Task Keep_going_runs_the_cells_after_a_failure()
    {
        _f.Write("keep.ipynb", "throw new Exception(\"first\");", "var later = 5;\nlater");
        var (code, _, _) = await _f.RunAsync(_f.Folder, "--keep-going");
        Assert.Equal(1, code);
        Assert.Contains("<pre>5</pre>", _f.Executed("keep.ipynb").Outputs(1)[0]!["data"]!["text/html"].Text());
    }

    [Fact]
    public async Task A_cell_that_runs_too_long_is_stopped_with_a_clear_message()
    {
        _f.Write("slow.ipynb", "System.Threading.Thread.Sleep(System.Threading.Timeout.Infinite);", "1");
        var (code, _, _) = await _f.RunAsync(_f.Folder, "--short-timeout");
        Assert.Equal(1, code);
        var error = Assert.Single(_f.Executed("slow.ipynb").Outputs(0))!;
        Assert.Equal("TimeoutError", (string?)error["ename"]);
        Assert.Equal("cell 1 did not finish within 3 s (--timeout); its kernel was stopped", (string?)error["evalue"]);
    }

    [Fact]
    public async Task A_kernel_that_dies_is_reported_in_its_cell()
    {
        _f.Write("exit.ipynb", "Environment.Exit(3);", "1");
        var (code, _, _) = await _f.RunAsync(_f.Folder);
        Assert.Equal(1, code);
        var error = Assert.Single(_f.Executed("exit.ipynb").Outputs(0))!;
        Assert.Equal("KernelDied", (string?)error["ename"]);
        Assert.StartsWith("cell 1: the kernel stopped unexpectedly (exit code 3", (string?)error["evalue"]);
    }

    [Fact]
    public async Task An_unknown_magic_command_is_an_error_naming_it_and_its_line()
    {
        _f.Write("magic.ipynb", "var a = 1;\n#!nonsense\nvar b = 2;");
        var (code, _, _) = await _f.RunAsync(_f.Folder);
        Assert.Equal(1, code);
        var error = _f.Executed("magic.ipynb").Outputs(0).OfType<JsonObject>().Single(o => (string?)o["output_type"] == "error");
        Assert.Equal("cell 1, line 2, column 1: error DNI101: Unknown magic command '#!nonsense'", (string?)error["evalue"]);
    }

    [Fact]
    public async Task Time_and_who_magics_work_as_in_the_engine()
    {
        _f.Write("magics.ipynb", "#!time\nvar answer = 42;", "#!who");
        var (code, _, stderr) = await _f.RunAsync(_f.Folder);
        Assert.True(code == 0, stderr);
        var nb = _f.Executed("magics.ipynb");
        Assert.Matches(@"^Wall time: [0-9.]+ms$", Assert.Single(nb.Outputs(0))!["data"]!["text/plain"].Text());
        Assert.Contains("answer", Assert.Single(nb.Outputs(1))!["data"]!["text/html"].Text());
    }

    [Fact]
    public async Task Compiler_warnings_become_stderr_text_as_in_jupyter()
    {
        _f.Write("warn.ipynb", "string? maybe = null;\nmaybe ?? \"none\"");
        var (code, _, _) = await _f.RunAsync(_f.Folder);
        Assert.Equal(0, code);
        var outputs = _f.Executed("warn.ipynb").Outputs(0);
        Assert.Equal("stderr", (string?)outputs[0]!["name"]);
        Assert.Equal("\n(1,7): warning CS8632: The annotation for nullable reference types should only be used in code within a '#nullable' annotations context.\n\n",
            outputs[0]!["text"].Text());
        Assert.Equal("none", outputs[1]!["data"]!["text/plain"].Text());
    }

    [Fact]
    public async Task Cells_run_in_the_notebook_folder_and_cannot_block_on_console_input()
    {
        File.WriteAllText(Path.Combine(_f.Folder, "data.txt"), "from the folder");
        _f.Write("cwd.ipynb", "System.IO.File.ReadAllText(\"data.txt\") + \"|\" + (Console.ReadLine() ?? \"no input\")");
        var (code, _, _) = await _f.RunAsync(_f.Folder);
        Assert.Equal(0, code);
        Assert.Equal("from the folder|no input", _f.Executed("cwd.ipynb").Outputs(0)[0]!["data"]!["text/plain"].Text());
    }

    [Fact]
    public async Task The_html_page_holds_markdown_code_and_outputs()
    {
        _f.Write("page.ipynb", Fixtures.Markdown("# Title\nSome **bold** text."), "Console.WriteLine(\"<printed>\");");
        await _f.RunAsync(_f.Folder);
        var html = File.ReadAllText(Path.Combine(_f.Output, "page.html"));
        Assert.Contains("<h1", html);
        Assert.Contains("<strong>bold</strong>", html);
        Assert.Contains("&lt;printed&gt;", html);
    }
}
