using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using SequenceModels.Exercises;
using Workbook.Notebooks;

namespace Workbook.Grading;

/// <summary>How submissions are graded.</summary>
/// <param name="CellTimeout">How long one cell may run; an exercise or check cell past it is "timed out".</param>
/// <param name="MemoryLimitBytes">The memory a submission's kernel may use; past it the cell is "crashed".</param>
/// <param name="Sandbox">Run each submission under bubblewrap (the default); false only with --no-sandbox.</param>
public sealed record GradeOptions(TimeSpan CellTimeout, long MemoryLimitBytes, bool Sandbox)
{
    /// <summary>How long a kernel may take to start.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromMinutes(3);
}

/// <summary>The grade of one exercise.</summary>
/// <param name="Exercise">"04.lstm-forward".</param>
/// <param name="Title">"Exercise 4.2 — the LSTM forward over a sequence".</param>
/// <param name="Status">passed, failed, not done, missing (no exercise cell), timed out, crashed, or flagged (calls the
/// reference, uses what exercise cells may not, or forges a result).</param>
/// <param name="Points">1 when passed, else 0.</param>
/// <param name="Message">The diagnosis, whole, most decisive sentence included.</param>
public sealed record ExerciseGrade(string Exercise, string Title, string Status, int Points, string Message);

/// <summary>The grade of one submitted notebook.</summary>
/// <param name="Submission">What was graded.</param>
/// <param name="Exercises">One grade per exercise of the notebook, in order.</param>
/// <param name="Notes">What the grader restored or left out (changed check cells, cells not run).</param>
/// <param name="Flags">Attempts to forge results, wherever they are (they earn nothing either way).</param>
/// <param name="Errors">Failures of the grading run itself (a kernel that did not start, a workbook cell that
/// failed): a submission with errors makes <c>workbook grade</c> exit with 1.</param>
/// <param name="Executed">The graded notebook with its outputs (what the grader ran), when it ran.</param>
public sealed record SubmissionGrade(Submission Submission, IReadOnlyList<ExerciseGrade> Exercises, IReadOnlyList<string> Notes,
    IReadOnlyList<string> Flags, IReadOnlyList<string> Errors, NotebookDocument? Executed);

/// <summary>
/// Grades one submission: builds its <see cref="GradedNotebook"/>, analyses the exercise cells, runs the notebook in its
/// own sandboxed kernel, and reads each check's result from the kernel's signed channel (<c>WorkbookCheckResult</c>,
/// HMAC-SHA256 under a key only the grader and the kernel's own code hold). An exercise cell or check that hangs or
/// crashes the kernel costs that exercise only: the grader starts a new kernel, replays the cells that ran (with that
/// exercise's cell back in its unfinished state) and goes on. When an exercise fails and calls the student's function
/// of an earlier exercise that did not pass, the grader checks it once more with the reference solution of the
/// earlier one in place and says which of the two is at fault.
/// </summary>
public sealed class GradingSession
{
    private readonly CourseWorkbook _workbook;
    private readonly ExerciseAnalysis _analysis;
    private readonly GradeOptions _options;

    public GradingSession(CourseWorkbook workbook, ExerciseAnalysis analysis, GradeOptions options)
    {
        _workbook = workbook;
        _analysis = analysis;
        _options = options;
    }

    /// <summary>Grades <paramref name="submission"/>.</summary>
    public async Task<SubmissionGrade> GradeAsync(Submission submission, CancellationToken cancel = default)
    {
        if (submission.Notebook is not { } name || !_workbook.Notebooks.TryGetValue(name, out var workbookNotebook))
            return new SubmissionGrade(submission, [], [], [], [$"{submission.Path}: not a notebook of this workbook"], null);
        NotebookDocument submitted;
        try
        {
            submitted = NotebookDocument.Load(submission.Path);
        }
        catch (BadNotebookException e)
        {
            return new SubmissionGrade(submission, [], [], [], [e.Message], null);
        }

        var titles = ExerciseCatalogue.All.ToDictionary(e => e.Id, e => e.Title);
        var graded = GradedNotebook.Build(workbookNotebook, submitted, titles);
        var analyses = _analysis.Analyse(graded);
        var flags = Forgeries(submitted, graded).ToList();
        using var run = new Run(graded, _workbook, _options, submission.Path);
        foreach (var slot in graded.Exercises)
        {
            if (slot.StudentSource is null)
                run.Decide(slot.Id, "missing", $"The submission has no cell for this exercise (a cell tagged exercise:{slot.Id}, or declaring {slot.Function}); the workbook's unfinished cell was run in its place.");
            else if (analyses.TryGetValue(slot.Id, out var a) && a.Flagged)
            {
                run.Decide(slot.Id, "flagged", "The exercise cell was not run: " + string.Join("; ", a.Violations) + ".");
                if (a.Violations.Any(v => v.Contains("reflection", StringComparison.Ordinal) || v.Contains("checkers", StringComparison.Ordinal) || v.Contains("formatters", StringComparison.Ordinal)))
                    flags.Add($"{slot.Id}: the exercise cell reaches for reflection, the checkers or the formatters ({a.Violations[0]}).");
            }
        }
        await run.ExecuteAsync(cancel);
        await run.ExplainCascadesAsync(analyses, cancel);

        var exercises = graded.Exercises.Select(slot => run.Grade(slot)).ToList();
        foreach (var forged in run.Forged) flags.Add(forged);
        return new SubmissionGrade(submission, exercises, graded.Notes, flags, run.Errors, run.Executed);
    }

    /// <summary>Traces of forged results in what was submitted (none of it is run or read for the grade).</summary>
    private static IEnumerable<string> Forgeries(NotebookDocument submitted, GradedNotebook graded)
    {
        foreach (var cell in submitted.CodeCells)
            foreach (var output in cell.Outputs.OfType<JsonObject>())
                if (output["data"] is JsonObject data && (data.ContainsKey(CheckResult.MimeType)
                        || data["text/html"] is { } html && NotebookCell.JoinLines(html).Contains("class=\"exercise-check\"", StringComparison.Ordinal)) &&
                    !cell.Tags.Any(t => t.StartsWith("check:", StringComparison.Ordinal)))
                {
                    yield return $"cell {cell.Number} of the submission carries a check result in its outputs outside a check cell (outputs of the submission are not read).";
                    break;
                }
        foreach (var source in graded.IgnoredSources)
            if (new[] { "CheckResult", "Formatter.Register", "System.Reflection", "GetConstructor", "Activator.CreateInstance", CheckResult.MimeType }
                    .FirstOrDefault(s => source.Contains(s, StringComparison.Ordinal)) is { } sign)
                yield return $"a cell of the submission that is not an exercise cell mentions {sign}, as a forged check result would; it was not run.";
    }

    /// <summary>One grading run of one graded notebook: the kernel, the cells run so far, the results.</summary>
    private sealed class Run : IDisposable
    {
        private readonly GradedNotebook _graded;
        private readonly CourseWorkbook _workbook;
        private readonly GradeOptions _options;
        private readonly Sandbox _sandbox;
        private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
        private readonly KernelOutputs _outputs = new();
        private readonly Dictionary<string, (string Status, string Message)> _decided = new();
        private readonly Dictionary<string, JsonObject> _results = new();
        private readonly HashSet<string> _stubbed = new();
        private readonly List<(int Cell, string Source)> _ran = [];
        private KernelProcess? _kernel;
        private int _count;

        public Run(GradedNotebook graded, CourseWorkbook workbook, GradeOptions options, string submissionPath)
        {
            _graded = graded;
            _workbook = workbook;
            _options = options;
            _sandbox = Sandbox.Create(workbook, options.Sandbox);
            Executed = graded.Document.Clone(Path.Combine(_sandbox.NotebooksFolder, Path.GetFileName(graded.Document.Path)));
            SubmissionPath = submissionPath;
        }

        public NotebookDocument Executed { get; }

        public string SubmissionPath { get; }

        public List<string> Errors { get; } = [];

        public List<string> Forged { get; } = [];

        /// <summary>Fixes an exercise's grade before it runs (missing, flagged) or when it cannot (timed out, crashed).</summary>
        public void Decide(string exercise, string status, string message)
        {
            _decided[exercise] = (status, message);
            _stubbed.Add(exercise);
        }

        public ExerciseGrade Grade(ExerciseSlot slot)
        {
            if (_decided.TryGetValue(slot.Id, out var d)) return new ExerciseGrade(slot.Id, slot.Title, d.Status, 0, d.Message);
            if (!_results.TryGetValue(slot.Id, out var result))
                return new ExerciseGrade(slot.Id, slot.Title, "missing", 0, "No check result: the grading run stopped before the check (see the errors).");
            var status = (string?)result["status"] ?? "failed";
            // The decisive sentence first: the checker's "It looks like …" names the mistake; the case and hint follow.
            var messages = (result["messages"] as JsonArray ?? []).Select(m => (string?)m ?? "")
                .OrderBy(m => m.StartsWith("It looks like", StringComparison.Ordinal) ? 0 : 1).ToList();
            if ((string?)result["cascade"] is { } cascade) messages.Insert(0, cascade);
            return new ExerciseGrade(slot.Id, slot.Title, status, status == "passed" ? 1 : 0, string.Join(" ", messages));
        }

        public async Task ExecuteAsync(CancellationToken cancel)
        {
            if (!await StartAsync(cancel)) return;
            var cells = Executed.CodeCells.ToList();
            for (int i = 0; i < cells.Count; i++)
            {
                var cell = cells[i];
                var (role, id) = _graded.RoleOf(cell);
                var slot = id is null ? null : _graded.Exercises.First(e => e.Id == id);
                if (role == CellRole.Check && id is not null && _decided.TryGetValue(id, out var decided))
                {
                    cell.SetOutputs([new JsonObject { ["name"] = "stdout", ["output_type"] = "stream", ["text"] = NotebookCell.SplitLines($"(graded without running the check: {decided.Status})\n") }], null);
                    continue;
                }
                var source = role == CellRole.Exercise && _stubbed.Contains(id!) ? slot!.Stub : cell.Source;
                var parameters = role == CellRole.Check ? new Dictionary<string, string> { [GradingProtocol.CheckParameter] = id! } : null;
                var run = await _kernel!.ExecuteAsync(cell.Number, source, _options.CellTimeout, cancel, parameters);
                var outputs = _outputs.Build(run.Events, cell.Number, ++_count);
                if (run.Failure != CellFailure.None)
                {
                    var what = run.Failure == CellFailure.Timeout ? "timed out" : "crashed";
                    var detail = run.Failure == CellFailure.Timeout ? $"it did not finish within {_options.CellTimeout.TotalSeconds:0} s" : run.Detail ?? "the kernel stopped";
                    outputs.Add(KernelOutputs.Error(run.Failure == CellFailure.Timeout ? "TimeoutError" : "KernelDied", $"cell {cell.Number} {what}: {detail}"));
                    cell.SetOutputs(outputs, _count);
                    if (role == CellRole.Workbook || id is null)
                    {
                        Errors.Add($"{SubmissionPath}: cell {cell.Number}, one of the workbook's own cells, {what} ({detail}); grading of this notebook stopped there.");
                        return;
                    }
                    Decide(id, what, role == CellRole.Exercise
                        ? $"The exercise cell {what} when it ran ({detail}): it must only declare {slot!.Function}. The rest of the notebook was graded on a fresh kernel."
                        : $"Your {slot!.Function} {what} when the check called it ({detail}): look for a loop that never ends, a recursion without a base case, or an allocation far too large. The rest of the notebook was graded on a fresh kernel.");
                    if (!await RestartAsync(cancel)) return;
                    if (role == CellRole.Exercise && !await RunQuietlyAsync(cell.Number, slot.Stub, cancel)) return;
                    continue;
                }
                cell.SetOutputs(outputs, _count);
                if (!run.Ok)
                {
                    var error = FirstError(outputs);
                    if (role == CellRole.Exercise)
                    {
                        Decide(id!, "failed", $"Your exercise cell does not run: {error}");
                        if (!await RunQuietlyAsync(cell.Number, slot!.Stub, cancel)) return;
                    }
                    else if (role == CellRole.Check)
                    {
                        _decided[id!] = ("failed", $"The check could not call your {slot!.Function}: {error} (keep the function's name and signature as the exercise gives them).");
                    }
                    else
                    {
                        Errors.Add($"{SubmissionPath}: cell {cell.Number}, one of the workbook's own cells, failed: {error}");
                    }
                    continue;
                }
                if (role != CellRole.Check) _ran.Add((cell.Number, source));
                else ReadResult(id!, run.Events);
            }
        }

        /// <summary>
        /// For each failed exercise whose cell calls the student's function of an earlier exercise that did not pass:
        /// runs its check again with the reference solution of the earlier exercise in place, and says so.
        /// </summary>
        public async Task ExplainCascadesAsync(IReadOnlyDictionary<string, CellAnalysis> analyses, CancellationToken cancel)
        {
            if (_kernel is null) return;
            foreach (var slot in _graded.Exercises)
            {
                if (!_results.TryGetValue(slot.Id, out var result) || (string?)result["status"] != "failed") continue;
                if (!analyses.TryGetValue(slot.Id, out var analysis)) continue;
                foreach (var earlier in analysis.Calls)
                {
                    var dependency = _graded.Exercises.First(e => e.Id == earlier);
                    var state = StateOf(earlier);
                    if (state == "passed") continue;
                    var solution = Path.Combine(_workbook.SolutionsFolder, Path.GetFileNameWithoutExtension(_graded.Document.Path), earlier + ".csx");
                    bool passesWithReference = false;
                    if (File.Exists(solution) && slot.StudentSource is { } source)
                    {
                        var check = Executed.CodeCells.FirstOrDefault(c => _graded.RoleOf(c) == (CellRole.Check, slot.Id));
                        if (check is not null
                            && await RunQuietlyAsync(0, await File.ReadAllTextAsync(solution, cancel), cancel, recordFailure: false)
                            && await RunQuietlyAsync(0, source, cancel, recordFailure: false))
                        {
                            var again = await _kernel!.ExecuteAsync(check.Number, check.Source, _options.CellTimeout, cancel,
                                new Dictionary<string, string> { [GradingProtocol.CheckParameter] = slot.Id });
                            passesWithReference = Verified(slot.Id, again.Events) is { } r && (string?)r["status"] == "passed";
                        }
                    }
                    var named = dependency.Title.Split(" — ")[0];
                    result["cascade"] = passesWithReference
                        ? $"Your {slot.Function} is right: with a correct {dependency.Function} it passes its check. It fails here because it calls your {dependency.Function} ({named}), which {state}: fix that one first."
                        : $"Note: your {slot.Function} calls your {dependency.Function} ({named}), which {state}; part of the fault may be there.";
                    break;
                }
            }
        }

        private string StateOf(string exercise) =>
            _decided.TryGetValue(exercise, out var d) ? d.Status switch { "missing" => "is missing", "flagged" => "was not run (flagged)", var s => s == "failed" ? "failed its check" : s }
            : _results.TryGetValue(exercise, out var r) ? (string?)r["status"] switch { "not done" => "is not finished", "passed" => "passed", _ => "failed its check" }
            : "was not checked";

        private void ReadResult(string exercise, IReadOnlyList<JsonObject> events)
        {
            if (Verified(exercise, events) is not { } payload)
            {
                _decided[exercise] = ("failed", "The check produced no result.");
                return;
            }
            if ((string?)payload["forged"] is { } forged)
            {
                _decided[exercise] = ("flagged", $"The check cell did not return the checker's result: {forged}.");
                Forged.Add($"{exercise}: {forged}.");
                return;
            }
            _results[exercise] = payload;
        }

        /// <summary>The check result of the command in <paramref name="events"/>, if its signature, token and exercise hold.</summary>
        private JsonObject? Verified(string exercise, IReadOnlyList<JsonObject> events)
        {
            foreach (var e in events.Where(e => (string?)e["eventType"] == "WorkbookCheckResult"))
            {
                var text = (string?)e["event"]?["payload"];
                var signature = (string?)e["event"]?["signature"];
                if (text is null || signature is null) continue;
                var expected = Convert.ToHexString(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(text)));
                if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature))) continue;
                if (JsonNode.Parse(text) is not JsonObject payload || (string?)payload["exercise"] != exercise) continue;
                if ((string?)payload["token"] != (string?)e["command"]?["token"]) continue;
                return payload;
            }
            return null;
        }

        private async Task<bool> StartAsync(CancellationToken cancel)
        {
            try
            {
                _kernel = await KernelProcess.StartAsync(_sandbox.Launch(_workbook, Convert.ToHexString(_key), _options.MemoryLimitBytes), _options.StartTimeout, cancel);
                return true;
            }
            catch (Exception e) when (e is KernelStartException or FileNotFoundException)
            {
                Errors.Add($"{SubmissionPath}: {e.Message}");
                return false;
            }
        }

        /// <summary>A new kernel, with every cell that had run replayed (exercise cells that failed in their unfinished form).</summary>
        private async Task<bool> RestartAsync(CancellationToken cancel)
        {
            _kernel?.Dispose();
            if (!await StartAsync(cancel)) return false;
            var replay = _ran.ToList();
            _ran.Clear();
            foreach (var (cell, source) in replay)
            {
                var (role, id) = _graded.RoleOf(Executed.Cells[cell - 1]);
                var code = role == CellRole.Exercise && _stubbed.Contains(id!) ? _graded.Exercises.First(e => e.Id == id).Stub : source;
                if (!await RunQuietlyAsync(cell, code, cancel)) return false;
            }
            return true;
        }

        /// <summary>
        /// Runs code whose outputs are not kept (a replay, a stub, a reference solution); false when it failed, after
        /// recording why as an error of the run (unless <paramref name="recordFailure"/> is false: a second look at a
        /// cascade that cannot be taken leaves the first verdict as it is).
        /// </summary>
        private async Task<bool> RunQuietlyAsync(int cell, string source, CancellationToken cancel, bool recordFailure = true)
        {
            var run = await _kernel!.ExecuteAsync(cell, source, _options.CellTimeout, cancel);
            if (run.Ok)
            {
                if (cell > 0) _ran.Add((cell, source));
                return true;
            }
            if (!recordFailure) return false;
            var outputs = new KernelOutputs().Build(run.Events, cell, 0);
            Errors.Add($"{SubmissionPath}: the grader could not {(cell > 0 ? $"re-run cell {cell}" : "run a reference solution")} on a fresh kernel: {FirstError(outputs) ?? run.Detail ?? run.Failure.ToString()}");
            return false;
        }

        private static string? FirstError(JsonArray outputs) =>
            outputs.OfType<JsonObject>().Where(o => (string?)o["output_type"] == "error").Select(o => (string?)o["evalue"]).FirstOrDefault();

        public void Dispose()
        {
            _kernel?.Dispose();
            _kernel = null;
            _sandbox.Dispose();
        }
    }
}
