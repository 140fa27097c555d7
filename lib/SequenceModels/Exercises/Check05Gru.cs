using MathNet.Numerics.LinearAlgebra;

namespace SequenceModels.Exercises;

public static partial class Check
{
    /// <summary>
    /// Exercise 5.1: one GRU step in the lecture's form, c⟨t⟩ from x⟨t⟩, c⟨t−1⟩ and the weights of Γr, Γu, c̃. PyTorch's
    /// form computes the same step from the same weights (<see cref="PyTorchGru{T}.FromLecture"/>), so its forward
    /// pass counts as the reference too.
    /// </summary>
    [Reference(typeof(GruCell), nameof(GruCell.Forward))]
    [Reference(typeof(Gru<>), nameof(Gru<double>.Forward))]
    [Reference(typeof(PyTorchGru<>), nameof(PyTorchGru<double>.Forward))]
    [Exercise("05.gru-cell-forward", "Exercise 5.1 — the GRU cell forward")]
    public static CheckResult GruCellForward(Func<Matrix<double>, Matrix<double>, GruWeights<double>, Matrix<double>> gruCellForward)
    {
        ArgumentNullException.ThrowIfNull(gruCellForward);
        const int nx = 3, nh = 4, m = 2;
        var rng = new Random(501);
        var w = RandomGruWeights(nx, nh, rng);
        var x = Init.Normal<double>(nx, m, 1.0, rng);
        var c = Init.Normal<double>(nh, m, 0.8, rng);
        // Per case, the weights: every gate but the one under test pinned open (+) or shut (−) by a bias of ±30.
        GruWeights<double>[] weights =
        [
            w,
            PinGru(w, r: +Pin, c: +Pin),   // c⟨t⟩ = Γu·1 + (1 − Γu) ⊙ c⟨t−1⟩
            PinGru(w, r: +Pin, u: +Pin),   // c⟨t⟩ = c̃ = tanh(Wc·[c⟨t−1⟩; x⟨t⟩] + bc)
            PinGru(w, u: +Pin),            // c⟨t⟩ = c̃ = tanh(Wc·[Γr ⊙ c⟨t−1⟩; x⟨t⟩] + bc)
            PinGru(w, u: -Pin),            // c⟨t⟩ = c⟨t−1⟩: nothing is written
            w,
        ];
        Matrix<double> Student(int k) => gruCellForward(x.Clone(), c.Clone(), CopyOf(weights[k]));
        var check = new ExerciseCheck<Matrix<double>>("05.gru-cell-forward", "Exercise 5.1 — the GRU cell forward",
                (e, a) => Compare.Matrices("c⟨t⟩", e, a))
            .Case("shapes (n_x = 3, n_h = 4, m = 2)", "c⟨t⟩ has the shape of c⟨t−1⟩: n_h × m. Each gate matrix multiplies a stacked column of n_h + n_x rows, [c⟨t−1⟩; x⟨t⟩] (for c̃, [Γr ⊙ c⟨t−1⟩; x⟨t⟩]).",
                () => Student(0), () => GruVariant(x, c, weights[0], GruMistake.None), (e, a) => ShapeOnly("c⟨t⟩", e, a))
            .Case("the update gate Γu alone (Γr ≈ 1, c̃ ≈ 1)",
                "With c̃ = 1, c⟨t⟩ = Γu + (1 − Γu) ⊙ c⟨t−1⟩: check the update gate, Γu = σ(Wu·[c⟨t−1⟩; x⟨t⟩] + bu), and that Γu weights the new candidate and 1 − Γu the old state.",
                () => Student(1), () => GruVariant(x, c, weights[1], GruMistake.None))
            .Case("the candidate c̃ alone (Γr ≈ 1, Γu ≈ 1)",
                "With both gates open, c⟨t⟩ = c̃: check the candidate, c̃ = tanh(Wc·[c⟨t−1⟩; x⟨t⟩] + bc) (tanh, not σ; c⟨t−1⟩ stacked above x⟨t⟩).",
                () => Student(2), () => GruVariant(x, c, weights[2], GruMistake.None))
            .Case("the relevance gate Γr alone (Γu ≈ 1)",
                "With the update gate open, c⟨t⟩ = c̃ = tanh(Wc·[Γr ⊙ c⟨t−1⟩; x⟨t⟩] + bc): check the relevance gate, Γr = σ(Wr·[c⟨t−1⟩; x⟨t⟩] + br), and that it scales c⟨t−1⟩ before the product with Wc.",
                () => Student(3), () => GruVariant(x, c, weights[3], GruMistake.None))
            .Case("the update gate shut (Γu ≈ 0): the memory is kept",
                "With Γu ≈ 0 nothing is written and c⟨t⟩ = c⟨t−1⟩ (the lecture's \"the dog, which already ate …, was full\": Γu stays near 0 until the memory is needed). Check the term (1 − Γu) ⊙ c⟨t−1⟩.",
                () => Student(4), () => GruVariant(x, c, weights[4], GruMistake.None))
            .Case("all gates at work", "Each gate is right on its own, so check how they combine: c⟨t⟩ = Γu ⊙ c̃ + (1 − Γu) ⊙ c⟨t−1⟩.",
                () => Student(5), () => GruVariant(x, c, weights[5], GruMistake.None));
        foreach (var (mistake, description) in GruMistakes)
            check.Mistake(description, k => GruVariant(x, c, weights[k], mistake));
        return check.Run();
    }

    /// <summary>Exercise 5.2: the GRU over a sequence, c⟨t⟩ carried from step to step (PyTorch's form computes it too).</summary>
    [Reference(typeof(Gru<>), nameof(Gru<double>.Forward))]
    [Reference(typeof(PyTorchGru<>), nameof(PyTorchGru<double>.Forward))]
    [Exercise("05.gru-forward", "Exercise 5.2 — the GRU forward over a sequence")]
    public static CheckResult GruForward(Func<Matrix<double>[], Matrix<double>, GruWeights<double>, Matrix<double>[]> gruForward)
    {
        ArgumentNullException.ThrowIfNull(gruForward);
        const int nx = 3, nh = 4, m = 2;
        var rng = new Random(502);
        var w = RandomGruWeights(nx, nh, rng);
        Matrix<double>[] Steps(int t) => Enumerable.Range(0, t).Select(_ => Init.Normal<double>(nx, m, 1.0, rng)).ToArray();
        (Matrix<double>[] Xs, Matrix<double> C0)[] cases =
        [
            (Steps(5), Matrix<double>.Build.Dense(nh, m)),
            (Steps(1), Init.Normal<double>(nh, m, 0.8, rng)),
            (Enumerable.Range(0, 4).Select(_ => Matrix<double>.Build.Dense(nx, m)).ToArray(), Init.Normal<double>(nh, m, 0.8, rng)),
            (Steps(6), Init.Normal<double>(nh, m, 0.8, rng)),
        ];
        Matrix<double>[] Unroll(int k, bool carry = true)
        {
            var (xs, c0) = cases[k];
            var cs = new Matrix<double>[xs.Length];
            var c = c0;
            for (int t = 0; t < xs.Length; t++) cs[t] = c = GruCell.Forward(xs[t], carry ? c : c0, w).C;
            return cs;
        }
        Matrix<double>[] Student(int k) => gruForward(cases[k].Xs.Select(x => x.Clone()).ToArray(), cases[k].C0.Clone(), CopyOf(w));
        return new ExerciseCheck<Matrix<double>[]>("05.gru-forward", "Exercise 5.2 — the GRU forward over a sequence",
                (e, a) => Compare.MatrixLists("c", e, a))
            .Case("shapes (T = 5 steps of n_x = 3, m = 2)", "Return one state c⟨t⟩ per time step, each n_h × m (T entries, not counting c0).",
                () => Student(0), () => Unroll(0), (e, a) => ListShapes("c", e, a))
            .Case("one step from a given c0", "With T = 1 the result is one call of the cell: pass c0 as c⟨t−1⟩.",
                () => Student(1), () => Unroll(1))
            .Case("zero inputs: the state is carried", "With every x⟨t⟩ = 0 only the carried state changes: feed each step the c of the step before.",
                () => Student(2), () => Unroll(2))
            .Case("a random sequence", "Compare your loop with the cell applied at t = 1..T, each step starting from c⟨t−1⟩.",
                () => Student(3), () => Unroll(3))
            .Mistake("every step starts from c0 instead of the previous state", k => Unroll(k, carry: false))
            .Mistake("the states are shifted by one step (c0 returned first, the last state missing)", k => [cases[k].C0, .. Unroll(k)[..^1]])
            .Run();
    }

    // ---- GRU reference with typical mistakes -------------------------------------------------------------------

    private enum GruMistake { None, TorchUpdateConvention, ResetAfterProduct, NoReset, SigmoidCandidate, TanhGates, InputFirst, NoBias }

    private static readonly (GruMistake, string)[] GruMistakes =
    [
        (GruMistake.TorchUpdateConvention, "Γu and 1 − Γu are swapped (c⟨t⟩ = (1 − Γu) ⊙ c̃ + Γu ⊙ c⟨t−1⟩, the z convention of PyTorch and cuDNN); in the lecture's form Γu = 1 writes the candidate"),
        (GruMistake.ResetAfterProduct, "Γr is applied after the recurrent product (c̃ = tanh(Wc_x·x⟨t⟩ + Γr ⊙ (Wc_c·c⟨t−1⟩) + bc), the PyTorch/cuDNN variant); the lecture's c̃ = tanh(Wc·[Γr ⊙ c⟨t−1⟩; x⟨t⟩] + bc)"),
        (GruMistake.NoReset, "the relevance gate Γr is not applied (c̃ sees all of c⟨t−1⟩)"),
        (GruMistake.SigmoidCandidate, "the candidate c̃ uses σ instead of tanh"),
        (GruMistake.TanhGates, "the gates Γr and Γu use tanh instead of σ"),
        (GruMistake.InputFirst, "the gates see [x⟨t⟩; c⟨t−1⟩] instead of [c⟨t−1⟩; x⟨t⟩] (the first n_h columns of each W multiply the state)"),
        (GruMistake.NoBias, "the biases are missing"),
    ];

    /// <summary>The GRU step written out, with one typical mistake switched on (or none: the reference).</summary>
    private static Matrix<double> GruVariant(Matrix<double> x, Matrix<double> c, GruWeights<double> w, GruMistake mistake)
    {
        if (mistake == GruMistake.None) return GruCell.Forward(x, c, w).C;
        int nh = c.RowCount;
        Matrix<double> Stack(Matrix<double> state) => mistake == GruMistake.InputFirst ? x.Stack(state) : state.Stack(x);
        Matrix<double> Z(Matrix<double> product, Matrix<double> b) => mistake == GruMistake.NoBias ? product : Tensor.AddColumn(product, b);
        var gate = mistake == GruMistake.TanhGates ? Activation.Tanh : Activation.Sigmoid;
        var gr = Activations.Apply(gate, Z(w.Wr * Stack(c), w.Br));
        var gu = Activations.Apply(gate, Z(w.Wu * Stack(c), w.Bu));
        var product = mistake switch
        {
            GruMistake.ResetAfterProduct => w.Wc.SubMatrix(0, nh, nh, x.RowCount) * x + gr.PointwiseMultiply(w.Wc.SubMatrix(0, nh, 0, nh) * c),
            GruMistake.NoReset => w.Wc * Stack(c),
            _ => w.Wc * Stack(gr.PointwiseMultiply(c)),
        };
        var cTilde = Activations.Apply(mistake == GruMistake.SigmoidCandidate ? Activation.Sigmoid : Activation.Tanh, Z(product, w.Bc));
        return mistake == GruMistake.TorchUpdateConvention
            ? (1 - gu).PointwiseMultiply(cTilde) + gu.PointwiseMultiply(c)
            : gu.PointwiseMultiply(cTilde) + (1 - gu).PointwiseMultiply(c);
    }

    private static GruWeights<double> RandomGruWeights(int nx, int nh, Random rng)
    {
        Matrix<double> W() => Init.Normal<double>(nh, nh + nx, 0.6, rng);
        Matrix<double> B() => Init.Normal<double>(nh, 1, 0.6, rng);
        return new GruWeights<double>(W(), W(), W(), B(), B(), B());
    }

    /// <summary>The weights with the named gates pinned: zero weights and a bias of ±<see cref="Pin"/>.</summary>
    private static GruWeights<double> PinGru(GruWeights<double> w, double? r = null, double? u = null, double? c = null)
    {
        (Matrix<double>, Matrix<double>) Gate(Matrix<double> wg, Matrix<double> bg, double? pin) =>
            pin is double p ? (wg * 0, Matrix<double>.Build.Dense(bg.RowCount, 1, p)) : (wg, bg);
        var (wr, br) = Gate(w.Wr, w.Br, r);
        var (wu, bu) = Gate(w.Wu, w.Bu, u);
        var (wc, bc) = Gate(w.Wc, w.Bc, c);
        return new GruWeights<double>(wr, wu, wc, br, bu, bc);
    }

    private static GruWeights<double> CopyOf(GruWeights<double> w) =>
        new(w.Wr.Clone(), w.Wu.Clone(), w.Wc.Clone(), w.Br.Clone(), w.Bu.Clone(), w.Bc.Clone());
}
