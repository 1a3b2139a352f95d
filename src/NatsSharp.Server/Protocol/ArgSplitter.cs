namespace NatsSharp.Server.Protocol;

/// <summary>Splits a control line's arguments on runs of spaces and tabs (and CRs), without allocating.</summary>
internal readonly ref struct ArgSplitter
{
    private readonly ReadOnlySpan<byte> _args;
    private readonly bool _crSeparates;

    /// <summary>
    /// nats-server splits PUB and HPUB arguments on spaces and tabs only (a CR inside stays part of
    /// an argument) and every other operation's also on CR: <paramref name="crSeparates"/> says which.
    /// </summary>
    public ArgSplitter(ReadOnlySpan<byte> args, bool crSeparates = true)
    {
        _args = args;
        _crSeparates = crSeparates;
    }

    /// <summary>Returns how many arguments there are (it may be more than four; only four are returned).</summary>
    public int Split(out Range a0, out Range a1, out Range a2, out Range a3)
    {
        a0 = a1 = a2 = a3 = default;
        int count = 0;
        int start = -1;
        for (int i = 0; i <= _args.Length; i++)
        {
            bool blank = i == _args.Length || _args[i] is (byte)' ' or (byte)'\t' || (_crSeparates && _args[i] is (byte)'\r' or (byte)'\n');
            if (!blank)
            {
                if (start < 0)
                {
                    start = i;
                }

                continue;
            }

            if (start < 0)
            {
                continue;
            }

            var range = new Range(start, i);
            switch (count)
            {
                case 0: a0 = range; break;
                case 1: a1 = range; break;
                case 2: a2 = range; break;
                case 3: a3 = range; break;
            }

            count++;
            start = -1;
        }

        return count;
    }
}
