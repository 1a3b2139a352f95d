namespace NatsSharp.Server.SystemAccount;

/// <summary>
/// The server-control requests nats-server added after 2.9.10 (2.10/2.11), which natscli's
/// <c>nats server request kick|ldm|reload</c> use: <c>$SYS.REQ.SERVER.&lt;id&gt;.RELOAD</c>
/// (reload the config file), <c>KICK</c> and <c>LDM</c> (<c>{"cid":N}</c>: close one client, or
/// send it a lame-duck INFO so it moves elsewhere). Answered in the usual envelope with
/// <c>"data":null</c>, or an error 500 with the reason. The <c>ver</c> stays 2.9.10.
/// </summary>
internal sealed partial class SystemServices
{
    private void SubscribeControl()
    {
        Subscribe($"$SYS.REQ.SERVER.{ServerId}.RELOAD", m => Reply(m, "EventFilterOptions", _ => Done(_server.Reloader.ReloadConfigFile())));
        Subscribe($"$SYS.REQ.SERVER.{ServerId}.KICK", m => Reply(m, "KickClientReq", body => Done(_server.ClientRegistry.Kick(body.UInt64("cid")))));
        Subscribe($"$SYS.REQ.SERVER.{ServerId}.LDM", m => Reply(m, "LDMClientReq", body => Done(_server.LameDuckMode.SendInfo(body.UInt64("cid")))));
    }

    /// <summary>No data on success, the reason as error 500 otherwise (nats-server's zReq).</summary>
    private static Answer Done(string? error) =>
        error is null ? new Answer(null, NullData: true) : new Answer(null, 500, error, NullData: true);
}
