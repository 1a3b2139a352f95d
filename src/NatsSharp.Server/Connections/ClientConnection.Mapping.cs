using System.Text;
using NatsSharp.Server.Accounts;

namespace NatsSharp.Server.Connections;

/// <summary>Subject mappings of the client's account, applied to what it publishes (nats-server's selectMappedSubject).</summary>
internal sealed partial class ClientConnection
{
    private byte[] _mappedSubject = [];

    /// <summary>
    /// Replaces <paramref name="subject"/> with its mapping, if one matches. False when the weights
    /// picked no destination: the message goes nowhere (a requester with no_responders hears a 503).
    /// </summary>
    private bool TryMapSubject(SubjectMapper mapper, ref ReadOnlySpan<byte> subject, ReadOnlySpan<byte> reply)
    {
        int length = mapper.Map(subject, _server.ClusterName, ref _mappedSubject);
        if (length < 0)
        {
            return true;
        }

        if (_log.IsTrace)
        {
            _log.Trace(Prefix + $"<<- [MAPPING {Encoding.UTF8.GetString(subject)} -> {Encoding.UTF8.GetString(_mappedSubject, 0, length)}]");
        }

        if (length == 0)
        {
            SendOk();
            if (_noResponders && !reply.IsEmpty)
            {
                SendNoResponders(reply);
            }

            return false;
        }

        subject = _mappedSubject.AsSpan(0, length);
        return true;
    }
}
