using System.Globalization;
using System.Text.RegularExpressions;
using Workbook.Commands;

namespace Workbook.Tests.Commands;

public class NerCommandTests : IDisposable
{
    private readonly Fixtures _f = new();

    public void Dispose() => _f.Dispose();

    private static string Sample(string name) => Path.Combine(Fixtures.RepoRoot, "data", "ner", name);

    private static (int Code, string Stdout, string Stderr) Train(NerTrainRequest request)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = NerCommand.Train(request, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString().Trim());
    }

    private static (int Code, string Stdout, string Stderr) Predict(string model, params string[] texts)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = NerCommand.Predict(model, texts, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString().Trim());
    }

    [Fact]
    public void A_missing_corpus_file_is_named_with_exit_code_2()
    {
        string missing = Path.Combine(_f.Folder, "nope.csv");
        var (code, stdout, stderr) = Train(new NerTrainRequest(missing, null, null, null));
        Assert.Equal(2, code);
        Assert.Equal($"error: {missing}: no such file", stderr);
        Assert.Equal("", stdout);
    }

    [Fact]
    public void Malformed_data_is_named_by_file_and_line_with_exit_code_2()
    {
        string bad = _f.WriteText("bad.conll", "Anna B-per\nBerg I-per\n\nOslo X-geo\n");
        var (code, _, stderr) = Train(new NerTrainRequest(null, Sample("train.conll"), bad, Sample("test.conll")));
        Assert.Equal(2, code);
        Assert.Equal($"error: {bad}, line 4: tag \"X-geo\" is not an entity tag (O, or B-, I-, E-, S- and a type)", stderr);
        Assert.Single(stderr.Split('\n'));
    }

    [Fact]
    public void A_malformed_gmb_row_is_named_by_file_and_line()
    {
        string bad = _f.WriteText("gmb.csv", "Sentence #,Word,POS,Tag\nSentence: 1,Anna,NNP,B-per\n,Berg,NNP\n");
        var (code, _, stderr) = Train(new NerTrainRequest(bad, null, null, null));
        Assert.Equal(2, code);
        Assert.Equal($"error: {bad}, line 3: expected 4 fields (Sentence #, Word, POS, Tag), found 3", stderr);
    }

    [Theory]
    [InlineData(true, false, "error: give either --gmb FILE or --train, --dev and --test, not both")]
    [InlineData(false, false, "error: give --gmb FILE, or --train, --dev and --test")]
    [InlineData(false, true, "error: --train, --dev and --test go together; missing --dev, --test")]
    public void Inconsistent_corpus_options_are_refused_with_exit_code_2(bool gmb, bool trainOnly, string message)
    {
        var request = new NerTrainRequest(gmb ? "x.csv" : null, gmb || trainOnly ? Sample("train.conll") : null, null, null);
        var (code, _, stderr) = Train(request);
        Assert.Equal(2, code);
        Assert.Equal(message, stderr);
    }

    [Fact]
    public void A_latin_1_corpus_is_read_with_encoding_latin_1_and_without_it_the_error_says_so()
    {
        // The sample with a first sentence "Málaga" (a place), written in Latin-1 as CoNLL-2002 is.
        string Latin1(string name)
        {
            string path = Path.Combine(_f.Folder, "latin1-" + name);
            File.WriteAllBytes(path, System.Text.Encoding.Latin1.GetBytes("Málaga B-geo\n\n" + File.ReadAllText(Sample(name))));
            return path;
        }
        var (train, dev, test) = (Latin1("train.conll"), Latin1("dev.conll"), Latin1("test.conll"));

        var (code, _, stderr) = Train(new NerTrainRequest(null, train, dev, test, Epochs: 1));
        Assert.Equal(2, code);
        Assert.Equal($"error: {train}, line 1: 0xE1 cannot be decoded as utf-8 at byte 2 of the line (if the file is Latin-1, as the CoNLL-2002 " +
                     "files and CoNLL-2003's German ones are, add --encoding latin-1; for Windows-1252, --encoding windows-1252)", stderr);

        var (ok, stdout, noErrors) = Train(new NerTrainRequest(null, train, dev, test, Epochs: 1, Encoding: "latin-1"));
        Assert.Equal("", noErrors);
        Assert.Equal(0, ok);
        Assert.StartsWith($"data: train {SequenceModels.Text.ConllReader.Read(Sample("train.conll")).Count + 1} sentences", stdout); // the sample's and Málaga
        Assert.Matches(new Regex(@"^test masked accuracy: [01]\.\d{4}$", RegexOptions.Multiline), stdout);

        var (other, _, refused) = Train(new NerTrainRequest(null, train, dev, test, Format: "conllu", Encoding: "latin-1"));
        Assert.Equal(2, other);
        Assert.Equal("error: --encoding latin-1 is for CoNLL files (--format conll): CoNLL-U files are UTF-8 by definition, and the GMB CSV is read as Windows-1252", refused);
    }

    [Fact]
    public void A_bad_setting_is_refused_with_exit_code_2()
    {
        var (code, _, stderr) = Train(new NerTrainRequest(null, Sample("train.conll"), Sample("dev.conll"), Sample("test.conll"), Dropout: 1.5));
        Assert.Equal(2, code);
        Assert.StartsWith("error: --dropout 1.5: ", stderr);
    }

    [Fact]
    public void Training_on_the_sample_prints_the_result_lines_and_the_saved_model_predicts()
    {
        string model = Path.Combine(_f.Folder, "ner.model");
        var (code, stdout, stderr) = Train(new NerTrainRequest(null, Sample("train.conll"), Sample("dev.conll"), Sample("test.conll"),
            Epochs: 2, Batch: 16, Save: model));
        Assert.Equal("", stderr);
        Assert.Equal(0, code);
        var lines = stdout.ReplaceLineEndings("\n").Split('\n');
        Assert.Matches(@"^epoch 1/2: loss \d+\.\d{4}, [\d,]+ tokens/s, \d+\.\d s, validation accuracy 0\.\d{4}$", lines.First(l => l.StartsWith("epoch 1/2")));
        int at = Array.FindIndex(lines, l => l.StartsWith("test masked accuracy"));
        Assert.Matches(@"^test masked accuracy: [01]\.\d{4}$", lines[at]);
        Assert.Matches(@"^test all-O baseline: 0\.8171$", lines[at + 1]); // 764 of the 935 test tokens are O
        Assert.Matches(@"^test entity F1: [01]\.\d{4}$", lines[at + 2]);
        foreach (var type in new[] { "art", "eve", "geo", "gpe", "nat", "org", "per", "tim", "overall" })
            Assert.Contains(lines.Skip(at + 3), l => Regex.IsMatch(l, $@"^│ {type,-7} │ +[01]\.\d{{4}} │ +[01]\.\d{{4}} │ +[01]\.\d{{4}} │ +[\d,]+ │$"));
        AssertSeenLine(lines);
        Assert.Equal($"saved: {model}", lines.Last(l => l.Length > 0));

        var (predictCode, tagged, predictErrors) = Predict(model, "President Amara Okafor visited Abuja on Tuesday.");
        Assert.Equal(0, predictCode);
        Assert.Equal("", predictErrors);
        var output = tagged.ReplaceLineEndings("\n").Split('\n');
        Assert.Matches(@"^President(/\S+)? Amara(/\S+)? Okafor(/\S+)? visited(/\S+)? Abuja(/\S+)? on(/\S+)? Tuesday(/\S+)? \.(/\S+)?$", output[0]);
        Assert.StartsWith("entities: ", output[1]);
    }

    [Fact]
    public void A_conllu_corpus_trains_a_part_of_speech_tagger_without_entity_scores()
    {
        string conllu = _f.WriteText("tiny.conllu", """
            # text = Anna sleeps.
            1	Anna	Anna	PROPN	NNP	_	2	nsubj	_	_
            2	sleeps	sleep	VERB	VBZ	_	0	root	_	SpaceAfter=No
            3	.	.	PUNCT	.	_	2	punct	_	_

            1	The	the	DET	DT	_	2	det	_	_
            2	cat	cat	NOUN	NN	_	3	nsubj	_	_
            3	sleeps	sleep	VERB	VBZ	_	0	root	_	_

            """);
        var (code, stdout, stderr) = Train(new NerTrainRequest(null, conllu, conllu, conllu, Format: "conllu", Epochs: 1));
        Assert.Equal("", stderr);
        Assert.Equal(0, code);
        Assert.Matches(new Regex(@"^test masked accuracy: [01]\.\d{4}$", RegexOptions.Multiline), stdout);
        Assert.Contains("test entity F1: n/a (the tags are not BIO entity tags)", stdout);
    }

    [Fact]
    public void Predicting_with_a_missing_or_broken_model_file_exits_with_code_2()
    {
        string missing = Path.Combine(_f.Folder, "none.model");
        Assert.Equal((2, "", $"error: {missing}: no such file"), Predict(missing, "text"));
        string broken = _f.WriteText("broken.model", "not a model");
        Assert.Equal((2, "", $"error: {broken}: not a SequenceModels model file (it does not start with \"SEQMODEL\")."), Predict(broken, "text"));
    }

    private static string[] Lines(string text) => text.ReplaceLineEndings("\n").Split('\n');

    /// <summary>
    /// The line that splits the test entities by whether training had them: its counts add up to the table's support,
    /// and its recalls, weighted by those counts, give back the overall recall of the table.
    /// </summary>
    private static void AssertSeenLine(string[] lines)
    {
        var seen = Regex.Match(lines.Single(l => l.StartsWith("test entities seen in training: ")),
            @"^test entities seen in training: (\d+) of ([\d,]+) test entities \((\d+\.\d)%\) occur in training with the same type; " +
            @"recall (\d\.\d{4}|NaN) on those, (\d\.\d{4}|NaN) on the other ([\d,]+)$");
        Assert.True(seen.Success);
        int Count(int group) => int.Parse(seen.Groups[group].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
        double Recall(int group) => seen.Groups[group].Value == "NaN" ? 0 : double.Parse(seen.Groups[group].Value, CultureInfo.InvariantCulture);
        var overall = Regex.Match(lines.Single(l => l.StartsWith("│ overall ")), @"│ +([01]\.\d{4}) │ +([01]\.\d{4}) │ +([01]\.\d{4}) │ +([\d,]+) │$");
        Assert.True(overall.Success);
        int support = int.Parse(overall.Groups[4].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
        Assert.Equal(support, Count(2));
        Assert.Equal(support, Count(1) + Count(6));
        double recall = double.Parse(overall.Groups[2].Value, CultureInfo.InvariantCulture);
        Assert.Equal(recall, (Count(1) * Recall(4) + Count(6) * Recall(5)) / support, 3);
    }

    [Fact]
    public void The_bilstm_crf_trains_on_the_sample_keeps_its_best_epoch_and_the_saved_model_predicts()
    {
        string model = Path.Combine(_f.Folder, "crf.model");
        var (code, stdout, stderr) = Train(new NerTrainRequest(null, Sample("train.conll"), Sample("dev.conll"), Sample("test.conll"),
            Model: "bilstm-crf", Epochs: 3, Save: model));
        Assert.Equal("", stderr);
        Assert.Equal(0, code);
        var lines = Lines(stdout);
        Assert.Contains(lines, l => l.StartsWith("model: Embedding(") && l.Contains("CharCNN(") && l.Contains("→ BiLSTM(200) →") && l.Contains("CRF (BIOES tags, constrained Viterbi)"));
        Assert.Contains(lines, l => l.StartsWith("training: at most 3 epochs, patience 16, batch 8, Adam 0.002"));
        Assert.Matches(@"^epoch 1/3: loss \d+\.\d{4}, [\d,]+ tokens/s, \d+\.\d s, lr [\d.e-]+, validation accuracy 0\.\d{4}, F1 [01]\.\d{4}( \(best so far\))?$",
            lines.First(l => l.StartsWith("epoch 1/3:")));
        Assert.Matches(@"^trained in \d+\.\d s \(validation included\); kept epoch [123] of 3, validation entity F1 [01]\.\d{4}(; warning: .*)?$",
            lines.First(l => l.StartsWith("trained in")));
        int at = Array.FindIndex(lines, l => l.StartsWith("test masked accuracy"));
        Assert.Matches(@"^test all-O baseline: 0\.8171$", lines[at + 1]);
        Assert.Matches(@"^test entity F1: [01]\.\d{4}$", lines[at + 2]);
        AssertSeenLine(lines);
        Assert.Equal($"saved: {model}", lines.Last(l => l.Length > 0));

        var evaluateOut = new StringWriter();
        var evaluateErr = new StringWriter();
        Assert.Equal(0, NerCommand.Evaluate(model, Sample("test.conll"), "conll", "auto", null, evaluateOut, evaluateErr));
        Assert.Equal("", evaluateErr.ToString());
        var evaluated = Lines(evaluateOut.ToString());
        Assert.Equal("data: 59 sentences (935 tokens); tags BIO", evaluated[0]);
        // The same scores as after training; without the training set, evaluate cannot tell seen entities from new ones.
        Assert.Equal(lines.Skip(at).TakeWhile(l => !l.StartsWith("saved:")).Where(l => !l.StartsWith("test entities seen in training: ")),
            evaluated.Skip(1).TakeWhile(l => l.Length > 0));
        Assert.DoesNotContain(evaluated, l => l.StartsWith("test entities seen in training: "));

        var (predictCode, tagged, predictErrors) = Predict(model, "President Amara Okafor visited Abuja on Tuesday.");
        Assert.Equal((0, ""), (predictCode, predictErrors));
        Assert.Matches(@"^President(/\S+)? Amara(/\S+)? Okafor(/\S+)? visited(/\S+)? Abuja(/\S+)? on(/\S+)? Tuesday(/\S+)? \.(/\S+)?$", Lines(tagged)[0]);
    }

    [Fact]
    public void An_iob1_corpus_is_scored_and_its_predictions_written_in_iob1()
    {
        string Convert(string name)
        {
            var sentences = SequenceModels.Text.ConllReader.Read(Sample(name));
            return _f.WriteText(name, string.Join("\n", sentences.Select(s =>
                string.Join("", s.Tokens.Zip(SequenceModels.Text.TagSchemes.FromBio(s.Tags, SequenceModels.Text.TagScheme.Iob1), (w, t) => $"{w} {t}\n")))));
        }
        string train = Convert("train.conll"), dev = Convert("dev.conll"), test = Convert("test.conll");
        string predictions = Path.Combine(_f.Folder, "test.pred");
        var (code, stdout, stderr) = Train(new NerTrainRequest(null, train, dev, test, Model: "bilstm-crf", Epochs: 1, Predictions: predictions));
        Assert.Equal("", stderr);
        Assert.Equal(0, code);
        Assert.Contains(Lines(stdout), l => l.StartsWith("data: ") && l.EndsWith("; tags IOB1"));
        Assert.Contains(Lines(stdout), l => l.Contains("tags written in IOB1, as in the data"));
        Assert.Contains($"predictions: {predictions}", Lines(stdout));
        var rows = File.ReadAllLines(predictions).Where(l => l.Length > 0).Select(l => l.Split(' ')).ToArray();
        var original = File.ReadAllLines(test).Where(l => l.Length > 0).Select(l => l.Split(' ')).ToArray();
        Assert.Equal(original.Select(r => (r[0], r[1])), rows.Select(r => (r[0], r[1]))); // the gold column is the file's own IOB1
        var predicted = File.ReadAllText(predictions).Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(block => block.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')[2]).ToArray()).ToArray();
        foreach (var tags in predicted) // well-formed IOB1: a B- only right after an entity of its type
            for (int i = 0; i < tags.Length; i++)
                Assert.True(SequenceModels.Text.TagSchemes.Allows(i > 0 ? tags[i - 1] : null, tags[i], SequenceModels.Text.TagScheme.Iob1), string.Join(' ', tags));
        Assert.False(File.Exists(predictions + ".tmp"));
    }

    [Fact]
    public void A_model_that_tags_everything_o_is_reported_as_collapsed()
    {
        string allO = _f.WriteText("all-o.conll", string.Join("\n",
            SequenceModels.Text.ConllReader.Read(Sample("train.conll")).Select(s => string.Join("", s.Tokens.Select(w => $"{w} O\n")))));
        var (code, stdout, _) = Train(new NerTrainRequest(null, allO, Sample("dev.conll"), Sample("test.conll"), Model: "bilstm-crf", Epochs: 1));
        Assert.Equal(0, code);
        Assert.Contains(Lines(stdout), l => l.StartsWith("warning: the kept model tags every validation token O"));
        Assert.Contains("warning: the model tags every test token O (the all-O solution): it found none of the entities", Lines(stdout));
        var (lstmCode, lstmOut, _) = Train(new NerTrainRequest(null, allO, Sample("dev.conll"), Sample("test.conll"), Epochs: 1));
        Assert.Equal(0, lstmCode);
        Assert.Contains("warning: the model tags every test token O (the all-O solution): it found none of the entities", Lines(lstmOut));
    }

    [Fact]
    public void Bad_pretrained_vectors_and_settings_are_named_with_exit_code_2()
    {
        string vectors = _f.WriteText("vectors.txt", "the 0.1 0.2\nof 0.3\n");
        var (code, _, stderr) = Train(new NerTrainRequest(null, Sample("train.conll"), Sample("dev.conll"), Sample("test.conll"),
            Model: "bilstm-crf", Embeddings: vectors));
        Assert.Equal(2, code);
        Assert.Equal($"error: {vectors}, line 2: 1 numbers after \"of\", expected 2", stderr);
        string missing = Path.Combine(_f.Folder, "none.txt");
        Assert.Equal((2, $"error: {missing}: no such file"), Pick(Train(new NerTrainRequest(null, Sample("train.conll"), Sample("dev.conll"), Sample("test.conll"),
            Model: "bilstm-crf", Embeddings: missing))));
        Assert.Equal((2, "error: --layers is not an option of --model bilstm-crf (it has one BiLSTM layer)"), Pick(Train(new NerTrainRequest(null,
            Sample("train.conll"), Sample("dev.conll"), Sample("test.conll"), Model: "bilstm-crf", Layers: 2))));
        var (patienceCode, _, patienceError) = Train(new NerTrainRequest(null, Sample("train.conll"), Sample("dev.conll"), Sample("test.conll"),
            Model: "bilstm-crf", Patience: 0));
        Assert.Equal(2, patienceCode);
        Assert.StartsWith("error: --patience 0: ", patienceError);
    }

    private static (int, string) Pick((int Code, string Stdout, string Stderr) run) => (run.Code, run.Stderr);

    [Fact]
    public void Pretrained_vectors_set_the_word_vector_size()
    {
        string vectors = _f.WriteText("vectors.txt", "the 0.1 0.2 0.3\nabuja 1 2 3\nsaid 0 0 1\n");
        var (code, stdout, stderr) = Train(new NerTrainRequest(null, Sample("train.conll"), Sample("dev.conll"), Sample("test.conll"),
            Model: "bilstm-crf", Epochs: 1, Embeddings: vectors));
        Assert.Equal((0, ""), (code, stderr));
        Assert.Contains(Lines(stdout), l => l.StartsWith("vocabulary: ") && l.EndsWith($"of them from {vectors} (3 words, 3 dimensions)"));
        Assert.Contains(Lines(stdout), l => l.StartsWith("model: Embedding(") && l.Contains(", 3) + CharCNN"));
    }
}
