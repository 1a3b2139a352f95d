using static NatsSharp.Server.Tests.Configuration.ConfigTestSupport;

namespace NatsSharp.Server.Tests.Configuration;

public sealed class ConfigAccountsTests
{
    [Fact]
    public void Accounts_bind_their_users_and_no_auth_user_may_name_one()
    {
        ServerOptions o = Bind("""
            accounts {
              APP:   { users: [ {user: app, password: pw} ], exports: [ {stream: "x.>"} ] }
              OTHER: { users: [ {user: other, password: pw2} ] }
            }
            no_auth_user: app
            """).Options;
        Assert.Equal(["APP", "OTHER"], o.Accounts.Select(a => a.Name));
        Assert.Equal("app", Assert.Single(o.Accounts[0].Users).Username);
        Assert.Equal(("app", "APP"), o.AllUsers().Select(u => (u.User.Username, u.Account)).First());
        NatsSharp.Server.Auth.Authenticator.ValidateOptions(o); // no_auth_user names an account user: fine
    }

    [Fact]
    public void The_global_account_cannot_be_declared()
    {
        Assert.Equal("t.conf:1:11: \"$G\" is a Reserved Account", Verdict("accounts { $G { users [{user: a, password: a}] } }"));
    }

    [Fact]
    public void A_ring_of_service_imports_through_wildcards_is_refused_as_a_cycle()
    {
        // nats-server refuses this too; which import it names depends on its random account order,
        // so the parity tests keep to two-account cycles and this one checks ours alone.
        const string ring = "accounts {\n A: { exports: [{service: \"q.*\"}], imports: [{service: {account: B, subject: \"q.>\"}}] }\n"
            + " B: { exports: [{service: \"q.>\"}], imports: [{service: {account: C, subject: \"q.x\"}}] }\n"
            + " C: { exports: [{service: \"q.x\"}], imports: [{service: {account: A, subject: \"q.*\"}}] }\n}\n";
        Assert.EndsWith(": import forms a cycle", Verdict(ring));
    }
}
