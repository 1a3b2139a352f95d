using NatsSharp.Server.Accounts;
using NatsSharp.Server.Auth;
using NatsSharp.Server.Configuration;
using NatsSharp.Server.Tests.Configuration;

namespace NatsSharp.Server.Tests.Accounts;

/// <summary>Binding of <c>exports</c>/<c>imports</c>; their error texts are compared with nats-server in NatsServerParityTests.</summary>
public sealed class ExportImportConfigTests
{
    [Fact]
    public void Exports_and_imports_are_bound_with_their_options()
    {
        using var dir = new TempConfigDir();
        ServerOptions o = ConfigBinder.Load(dir.Write("t.conf", """
            accounts {
              A: {
                exports: [
                  {stream: "foo.>"}
                  {service: "help.*", accounts: [B], response_type: chunked, threshold: "5s"}
                ]
              }
              B: {
                imports: [
                  {stream: {account: A, subject: "foo.>"}, prefix: "p."}
                  {stream: {account: A, subject: "foo.x"}, to: "bar"}
                  {service: {account: A, subject: "help.*"}, to: "ahelp.*", share: true}
                  {service: {account: A, subject: "help.q"}}
                ]
              }
            }
            """)).Options;

        AccountOptions a = o.Accounts.Single(x => x.Name == "A");
        Assert.Equal(ExchangeKind.Stream, a.Exports[0].Kind);
        Assert.Empty(a.Exports[0].Accounts);
        Assert.Equal(["B"], a.Exports[1].Accounts);
        Assert.Equal(ServiceResponseType.Chunked, a.Exports[1].ResponseType);
        Assert.Equal(TimeSpan.FromSeconds(5), a.Exports[1].ResponseThreshold);

        AccountOptions b = o.Accounts.Single(x => x.Name == "B");
        Assert.Equal(["p.foo.>", "bar", "ahelp.*", "help.q"], b.Imports.Select(i => i.LocalSubject));
        Assert.Equal(ExchangeKind.Service, b.Imports[2].Kind);
        Assert.True(b.Imports[2].Share);
    }

    [Fact]
    public void A_stream_import_with_both_prefix_and_to_is_refused()
    {
        // nats-server catches this only when its (random) map order reads "to" last; we always do.
        using var dir = new TempConfigDir();
        var ex = Assert.Throws<ConfigException>(() => ConfigBinder.Load(dir.Write("t.conf",
            "accounts {\n A: { exports: [{stream: \"foo.>\"}] }\n B: { imports: [{stream: {account: A, subject: foo.x}, prefix: w, to: y}] }\n}\n")));
        Assert.EndsWith("t.conf:3:67: Stream import can not have a 'prefix' and a 'to' property", ex.Message);
    }

    [Fact]
    public void An_embedder_gets_the_same_check_as_a_config_file()
    {
        var options = new ServerOptions
        {
            Accounts =
            [
                new AccountOptions { Name = "A", Exports = [new AccountExport { Kind = ExchangeKind.Stream, Subject = "priv", Accounts = ["C"] }] },
                new AccountOptions { Name = "B", Imports = [new AccountImport { Kind = ExchangeKind.Stream, Account = "A", Subject = "priv" }] },
                new AccountOptions { Name = "C" },
            ],
        };
        var ex = Assert.Throws<NatsServerException>(() => NatsServer.Validate(options));
        Assert.Equal("Error adding stream import \"priv\": stream import not authorized", ex.Message);
    }

    [Fact]
    public void A_system_account_must_be_a_configured_account()
    {
        using var dir = new TempConfigDir();
        ServerOptions named = ConfigBinder.Load(dir.Write("ok.conf", "system_account: SYS\naccounts { SYS: {} }\n")).Options;
        Assert.Equal("SYS", named.SystemAccount);
        NatsServer.Validate(named);

        ServerOptions missing = ConfigBinder.Load(dir.Write("bad.conf", "system_account: \"$SYS\"\n")).Options;
        var ex = Assert.Throws<NatsServerException>(() => NatsServer.Validate(missing)); // nats-server: the same text at start, exit 1
        Assert.Equal("error resolving system account: account missing", ex.Message);
    }
}
