namespace SequenceModels;

/// <summary>
/// Two independent pieces of work on two cores: the two directions of a bidirectional layer, say. The calling thread
/// runs the first and, unless a thread-pool thread has already taken it, the second too, so it never waits for a
/// pool thread that has not started. While a piece runs, its matrix products stay on its own thread
/// (<see cref="Gemm.Serial"/>): the other core is busy with the other piece. Nothing here changes any arithmetic, so
/// results do not depend on the number of cores.
/// </summary>
internal static class ForkJoin
{
    /// <summary>Runs <paramref name="first"/> and <paramref name="second"/>, in parallel when there are two cores to spare.</summary>
    public static void Invoke(Action first, Action second)
    {
        if (Environment.ProcessorCount < 2 || Gemm.Serial)
        {
            first();
            second();
            return;
        }
        var other = new Piece(second);
        ThreadPool.UnsafeQueueUserWorkItem(other, preferLocal: false);
        Exception? error = null;
        bool serial = Gemm.Serial;
        Gemm.Serial = true;
        try
        {
            first();
        }
        catch (Exception e)
        {
            error = e;
        }
        finally
        {
            Gemm.Serial = serial;
        }
        other.Execute(); // runs it here unless a pool thread took it first
        other.Wait();
        if (error is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
        other.ThrowIfFailed();
    }

    private sealed class Piece(Action work) : IThreadPoolWorkItem
    {
        private readonly ManualResetEventSlim _done = new(false);
        private int _claimed;
        private Exception? _error;

        public void Execute()
        {
            if (Interlocked.Exchange(ref _claimed, 1) != 0) return;
            bool serial = Gemm.Serial;
            Gemm.Serial = true;
            try
            {
                work();
            }
            catch (Exception e)
            {
                _error = e;
            }
            finally
            {
                Gemm.Serial = serial;
                _done.Set();
            }
        }

        public void Wait() => _done.Wait();

        public void ThrowIfFailed()
        {
            if (_error is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(_error);
        }
    }
}
