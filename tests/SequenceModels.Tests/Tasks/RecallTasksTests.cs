using SequenceModels;

namespace SequenceModels.Tests.Tasks;

public class RecallTasksTests
{
    [Fact]
    public void Every_step_shows_one_symbol_and_one_step_in_the_first_half_is_marked()
    {
        const int steps = 9, m = 40, classes = 3;
        var (x, labels, marks) = RecallTasks.MarkedSymbol<double>(steps, m, new Random(1), classes);
        Assert.Equal(classes + 1, x.Features);
        Assert.Equal(steps, x.Steps);
        for (int b = 0; b < m; b++)
        {
            for (int t = 0; t < steps; t++)
            {
                var column = x.Step(t).Column(b);
                Assert.Equal(1.0, column.SubVector(0, classes).Sum());
                Assert.Equal(1.0, column.SubVector(0, classes).Maximum());
            }
            var marked = Enumerable.Range(0, steps).Where(t => x.Step(t)[classes, b] == 1.0).ToArray();
            Assert.Equal([marks[b]], marked);
            Assert.InRange(marks[b], 0, steps / 2 - 1);
        }
    }

    [Fact]
    public void The_label_is_the_symbol_shown_at_the_marked_step()
    {
        var (x, labels, marks) = RecallTasks.MarkedSymbol<float>(12, 50, new Random(2), classes: 4);
        for (int b = 0; b < 50; b++)
        {
            Assert.InRange(labels[b], 0, 3);
            Assert.Equal(1f, x.Step(marks[b])[labels[b], b]);
        }
    }

    [Fact]
    public void Marks_and_labels_cover_their_whole_range()
    {
        var (_, labels, marks) = RecallTasks.MarkedSymbol<double>(10, 500, new Random(3), classes: 4);
        Assert.Equal([0, 1, 2, 3], labels.Distinct().Order());
        Assert.Equal([0, 1, 2, 3, 4], marks.Distinct().Order());
    }

    [Fact]
    public void The_same_seed_gives_the_same_batch()
    {
        var (x1, l1, m1) = RecallTasks.MarkedSymbol<double>(6, 8, new Random(4));
        var (x2, l2, m2) = RecallTasks.MarkedSymbol<double>(6, 8, new Random(4));
        Assert.Equal(x1.Data, x2.Data);
        Assert.Equal(l1, l2);
        Assert.Equal(m1, m2);
    }

    [Fact]
    public void A_sequence_needs_two_steps_and_two_symbols()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => RecallTasks.MarkedSymbol<double>(1, 4, new Random(5)));
        Assert.Throws<ArgumentOutOfRangeException>(() => RecallTasks.MarkedSymbol<double>(4, 4, new Random(5), classes: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => RecallTasks.MarkedSymbol<double>(4, 0, new Random(5)));
    }
}
