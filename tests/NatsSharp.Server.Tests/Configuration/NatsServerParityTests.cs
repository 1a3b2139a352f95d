using NatsSharp.Server.Configuration;

namespace NatsSharp.Server.Tests.Configuration;

/// <summary>
/// Runs the real nats-server 2.9.10 (<c>/usr/sbin/nats-server -t -c</c>) on the sample configs and on
/// tricky inputs and checks that our verdict is the same, error text included. nats-server reports
/// multiple errors in Go's random map order, so lines are compared as sets.
/// </summary>
public sealed class NatsServerParityTests
{
    public static TheoryData<string> Inputs() =>
    [
        "port: 4333\n", "port4333\n", "port: 4333 debug: true\n", "PORT: 4333\nDebug: TRUE\n", "{ port: 4333 }",
        "server_name: my server\n", "server_name: (\nmy server\n)", "server_name: \"a\\qb\"\n", "server_name: \"abc\n",
        "max_payload: 2x\n", "max_payload: 2GB\n", "max_payload: 1kbib\nfoo: 1\n", "port: 99999999999999999999\n",
        "ping_interval: 30\n", "ping_interval: \"30x\"\n", "ping_interval: true\n", "write_deadline: \"1.5.s\"\n",
        "lame_duck_duration: \"10s\"\n", "lame_duck_duration: \"29.5s\"\n", "lame_duck_duration: 60\n", "lame_duck_grace_period: \"-1s\"\n",
        "lame_duck_duration: \"-1s\"\n", "lame_duck_grace_period: \"0s\"\n", "lame_duck_grace_period: 5\n", "lame_duck_duration: \"30s\"\nlame_duck_grace_period: \"30s\"\n",
        "tls {}\n", "tls {}\nallow_non_tls: true\n", "tls { timeout: 2, verify: true }\n", "allow_non_tls: \"yes\"\n",
        "port: $NOPE_NATSSHARP\n", "cluster { CP: 6333 }\nport: $CP\n", "V: 1\nserver_name: \"$V\"\n", "P: 1\nport: $P\n",
        "include ./missing.conf\n", "include [a]\n", "include\nfoo\n",
        "foo: 1\nport: \"x\"\nbar: 2\n", "a { b }\n", "x { /a: 1 }\n", "x { , }\n", "x: [1, 2]\n", "x: [a,,b]\n",
        "{\nport: 1\n}\nfoo: 1\n", "p: 1.5.6/8\n", "port:\n4222\n", "port: -x\n", "port: .5\n", "port: 1.\n", "server_name: 2023-01-01\n",
        "server_name: 2023-13-01T00:00:00Z\n", "server_name: 2023-01-01T00:00:00Z\n", "a: $\n", "a: \"\\xZZ\"\n", "x: \"\\x4ü\"\n",
        "listen: \"127.0.0.1\"\n", "listen: \"a:b\"\n", "listen: true\n", "listen: \"[::1]:4222\"\n", "http: \"localhost\"\n",
        "authorization { user: a, password: b, foo: 1 }\n", "authorization { user: 1 }\n", "authorization: 5\n",
        "authorization { user: a, password: b, token: c }\n", "authorization { token: a, users: [] }\n", "authorization { user: a, users: 5 }\n",
        "authorization { user: a, password: $2a$11$W2zko751KUvVy59mUTWmpOdWjpEm5qhcCZRd05GjI/sSOT.xtiHyG }\n",
        "system_account: 1\n", "SYSTEM_ACCOUNT: 1\n", "max_sub_tokens: 0\n", "max_sub_tokens: 300\n", "server_tags: [a, 1]\n",
        "no_auth_user: ghost\n", "max_connections: 99999999999\n", "\"a\\tb\": 1\n", "ünï: 1\nfoo: 2\n", "x: [ # c\n a // d\n ]\n",
        "port: 4222\r\ndebug: true\r\n", "x: (\r\n)\r\n", "port: 1 / / 2\n", "} port: 1\n", "/\n", "x { a: 1 b: 2 }\n",
        // users' allowed_connection_types
        "authorization { users: [ {user: a, password: a, allowed_connection_types: [\"STANDARD\", \"foo\", \"Bar\"]} ] }\n",
        "authorization { users: [ {user: a, password: a, allowed_connection_types: \"leafnode\"} ] }\n",
        "authorization { users: [ {user: a, password: a, allowed_connection_types: [1]} ] }\n",
        "authorization { users: [ {user: a, password: a, clients: true} ] }\n",
        // accounts: limits
        "accounts { A: { limits: { max_conn: \"x\" } } }\n", "accounts { A: { limits: 5 } }\n", "accounts { A: { limits: [] } }\n",
        "accounts { A: { limits: { bogus: 1, max_subs: 2 } } }\n", "accounts { A: { limits: { max_payload: 1KB, max_leafs: 1 } } }\n",
        "accounts { A: { limits: { max_connections: -1, max_subscriptions: 0, MAX_PAYLOAD: 10, max_leafnodes: 2 } } }\n",
        "accounts { A: { limits: { max_conn: 1, max_subs: 1, max_pay: 1, max_leafs: 1, max_jetstream: 1 } } }\n",
        // accounts: exports and imports
        "accounts {\n A: { exports: [{stream: \"foo.>\"}, {service: \"help.*\", response_type: stream}] }\n B: { imports: [{stream: {account: A, subject: \"foo.>\"}, prefix: p}, {service: {account: A, subject: \"help.*\"}, to: \"ahelp.*\"}] }\n}\n",
        "accounts {\n A: { exports: [{stream: priv, accounts: [C]}] }\n B: { imports: [{stream: {account: A, subject: priv}}] }\n C: {}\n}\n",
        "accounts {\n B: { imports: [{stream: {account: Z, subject: x}}, {service: {account: Z, subject: y}}] }\n}\n",
        "accounts {\n A: { exports: [{stream: \"foo.>\"}] }\n B: { imports: [{stream: {account: A, subject: foo.x}, prefix: \"w.*\"}] }\n}\n",
        "accounts {\n A: { exports: 5 }\n}\n", "accounts {\n A: { exports: [5] }\n}\n", "accounts {\n A: { imports: \"x\" }\n}\n",
        "accounts {\n A: { exports: [{stream: foo, bogus: 1}] }\n}\n", "accounts {\n A: { exports: [{service: foo, response_type: weird}] }\n}\n",
        "accounts {\n A: { exports: [{stream: foo, response_type: stream}] }\n}\n",
        "accounts {\n A: { exports: [{service: foo, threshold: \"2x\"}] }\n}\n",
        "accounts {\n A: { exports: [{service: foo, accounts: [Q]}] }\n}\n",
        "accounts {\n A: { exports: [{service: foo}] }\n B: { imports: [{service: {account: A}}] }\n}\n",
        "accounts {\n A: { exports: [{service: foo}] }\n B: { imports: [{service: {account: A, subject: foo, x: 1}}] }\n}\n",
        "accounts {\n A: { exports: [{service: foo}, {service: bar}] }\n B: { imports: [{service: {account: A, subject: foo}, to: s}, {service: {account: A, subject: bar}, to: s}] }\n}\n",
        "accounts {\n A: { exports: [{service: foo}] }\n B: { imports: [{service: {account: A, subject: bar}}] }\n}\n",
        "accounts {\n A: { exports: [{service: foo}] }\n B: { imports: [{service: \"A\"}] }\n}\n",
        "accounts {\n A: { exports: [{stream: \"a.>\"}] }\n B: { imports: [{stream: {account: A, subject: \"a.>\"}}, {stream: {account: A, subject: \"a.>\"}, prefix: z}] }\n}\n",
        // stream imports that form a cycle, and a prefixed ring that does not
        "accounts {\n A: { exports: [{stream: s}], imports: [{stream: {account: B, subject: s}}] }\n B: { exports: [{stream: s}], imports: [{stream: {account: A, subject: s}}] }\n}\n",
        "accounts {\n A: { exports: [{stream: \"s.>\"}], imports: [{stream: {account: B, subject: \"t.>\"}, prefix: s}] }\n B: { exports: [{stream: \"t.>\"}], imports: [{stream: {account: A, subject: \"s.>\"}, prefix: t}] }\n}\n",
        // service imports that form a cycle (nats-server: "import forms a cycle"), and ones that do not
        "accounts {\n A: { exports: [{service: svc}], imports: [{service: {account: B, subject: svc}}] }\n B: { exports: [{service: svc}], imports: [{service: {account: A, subject: svc}}] }\n}\n",
        "accounts {\n A: { exports: [{service: a}], imports: [{service: {account: B, subject: b}}] }\n B: { exports: [{service: b}], imports: [{service: {account: A, subject: a}}] }\n}\n",
    ];

    [Theory]
    [MemberData(nameof(Inputs))]
    public void SameVerdictAsNatsServer(string text)
    {
        using var dir = new TempConfigDir();
        string file = dir.Write("t.conf", text);
        AssertSameVerdict(file);
    }

    [Fact]
    public void SampleConfigsAgreeWithNatsServer()
    {
        foreach (string file in Directory.GetFiles(Path.Combine(ConfigTestSupport.RepoRoot(), "configs"), "*.conf"))
        {
            AssertSameVerdict(file);
        }
    }

    private static void AssertSameVerdict(string file)
    {
        string expected = NatsServerCheck.Normalize(NatsServerCheck.Run(file));
        string? ours = ConfigBinder.Check(file); // the same process environment nats-server sees
        string actual = NatsServerCheck.Normalize(ours ?? NatsServerCheck.Valid(file));
        Assert.True(expected == actual, $"{File.ReadAllText(file)}\nnats-server: {expected}\nNatsSharp:   {actual}");
    }
}
