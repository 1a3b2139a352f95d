using NatsSharp.Server.Configuration;

namespace NatsSharp.Server.Tests.Configuration;

/// <summary>
/// Reference cases for the parser and binder: each is run through the real nats-server 2.9.10
/// (<c>nats-server -t -c</c>, see <see cref="NatsServerCheck"/>) and through ours, with the same environment
/// (<see cref="ConfigTestSupport.ReferenceEnvironment"/>) and include files, and the verdicts must match.
/// The expected string written next to each case is nats-server's answer, kept readable here and checked
/// against nats-server on every run; <c>{file}</c> stands for the config file and <c>{dir}</c> for its directory.
/// </summary>
public sealed class ConfigReferenceCaseTests
{
    [Theory]
        [InlineData("colon separator", "port: 4333\n", null)]
        [InlineData("equals separator", "port = 4333\n", null)]
        [InlineData("whitespace separator", "port 4333\n", null)]
        [InlineData("no separator no space", "port4333\n", null)]
        [InlineData("hash comment", "# comment\nport: 4333 # trailing\n", null)]
        [InlineData("slash comment", "// comment\nport: 4333 // trailing\n", null)]
        [InlineData("semicolon terminator", "port: 4333; debug: true\n", null)]
        [InlineData("comma terminator top-level", "port: 4333, debug: true\n", null)]
        [InlineData("two values one line no term", "port: 4333 debug: true\n", "Parse error on line 1: 'Expected a top-level value to end with a new line, comment or EOF, but got 'd' instead.'")]
        [InlineData("uppercase key", "PORT: 4333\nDebug: TRUE\n", null)]
        [InlineData("quoted key", "\"port\": 4333\n'debug': yes\n", null)]
        [InlineData("bool variants", "debug: on\ntrace: No\nlogtime: FALSE\n", null)]
        [InlineData("bool bad (string to bool option)", "debug: maybe\n", "{file}:1:0: interface conversion: interface {} is string, not bool")]
        [InlineData("string to int option", "port: \"4333\"\n", "{file}:1:0: interface conversion: interface {} is string, not int64")]
        [InlineData("int to string option", "server_name: 42\n", "{file}:1:0: interface conversion: interface {} is int64, not string")]
        [InlineData("unknown top-level key", "foo: bar\n", "{file}:1:0: unknown field \"foo\"")]
        [InlineData("unknown key inside authorization", "authorization { user: a, password: b, foo: 1 }\n", "{file}:1:38: unknown field \"foo\"")]
        [InlineData("block string", "server_name: (\nmy server\n)\n", null)]
        [InlineData("single-quoted string no escapes", "server_name: 'a\\tb'\n", null)]
        [InlineData("double-quoted escapes", "server_name: \"a\\tb\\x41\\\\ \\\"q\\\"\"\n", null)]
        [InlineData("bad escape", "server_name: \"a\\qb\"\n", "Parse error on line 1: 'Invalid escape character 'q'. Only the following escape characters are allowed: \\xXX, \\t, \\n, \\r, \\\", \\\\.'")]
        [InlineData("unquoted string with spaces", "server_name: my server\n", "Parse error on line 1: 'Expected a top-level value to end with a new line, comment or EOF, but got 's' instead.'")]
        [InlineData("unquoted string w/ colon", "server_name: a:b\n", null)]
        [InlineData("size suffixes", "max_payload: 2MB\nmax_pending: 64mb\nmax_control_line: 4kb\n", null)]
        [InlineData("size suffix k=1000", "max_payload: 2k\n", null)]
        [InlineData("unknown suffix", "max_payload: 2x\n", "{file}:1:0: interface conversion: interface {} is string, not int64")]
        [InlineData("size as string", "max_payload: \"2MB\"\n", "{file}:1:0: interface conversion: interface {} is string, not int64")]
        [InlineData("negative", "max_connections: -1\n", null)]
        [InlineData("float for int", "port: 42.5\n", "{file}:1:0: interface conversion: interface {} is float64, not int64")]
        [InlineData("duration string", "ping_interval: \"30s\"\nwrite_deadline: \"2s\"\n", null)]
        [InlineData("duration unquoted", "ping_interval: 30s\n", null)]
        [InlineData("duration as int (seconds)", "ping_interval: 30\n", "{file}:1:0: invalid use of field \"ping_interval\": ping_interval should be converted to a duration")]
        [InlineData("duration bad", "ping_interval: \"30x\"\n", "{file}:1:0: error parsing ping_interval: time: unknown unit \"x\" in duration \"30x\"")]
        [InlineData("lame duck too short", "lame_duck_duration: \"10s\"\n", "{file}:1:0: invalid lame_duck_duration of 10s, minimum is 30 seconds")]
        [InlineData("lame duck as int", "lame_duck_duration: 60\n", "{file}:1:0: interface conversion: interface {} is int64, not string")]
        [InlineData("variable", "PORT_VAR: 4333\nport: $PORT_VAR\n", null)]
        [InlineData("variable undefined", "port: $NOPE\n", "variable reference for 'NOPE' on line 1 can not be found")]
        [InlineData("env variable", "port: $MYENV\n", null)]
        [InlineData("env var string with space", "server_name: $MYSTR\n", "variable reference for 'MYSTR' on line 1 could not be parsed: Parse error on line 1: 'Expected a top-level value to end with a new line, comment or EOF, but got 'w' instead.'")]
        [InlineData("variable block scope", "cluster { CP: 6333\n listen: \"127.0.0.1:6333\"\n port: $CP }\n", null)]
        [InlineData("variable from inner scope used outside", "cluster { CP: 6333 }\nport: $CP\n", "variable reference for 'CP' on line 2 can not be found")]
        [InlineData("variable in quotes is literal", "V: 1\nserver_name: \"$V\"\n", "{file}:1:0: unknown field \"V\"")]
        [InlineData("include", "include ./inc.conf\n", null)]
        [InlineData("include quoted", "include \"inc.conf\"\n", null)]
        [InlineData("include missing", "include ./missing.conf\n", "error parsing include file './missing.conf', open {dir}/missing.conf: no such file or directory")]
        [InlineData("array", "cluster { routes: [\"nats://127.0.0.1:6001\", nats://127.0.0.1:6002] }\n", null)]
        [InlineData("array newline separated", "cluster { routes: [\n nats://127.0.0.1:6001\n nats://127.0.0.1:6002\n] }\n", null)]
        [InlineData("array trailing comma", "cluster { routes: [nats://127.0.0.1:6001,] }\n", null)]
        [InlineData("map with = and newline", "authorization {\n user = a\n password = b\n}\n", null)]
        [InlineData("map value separated by semicolon", "authorization { user: a; password: b }\n", null)]
        [InlineData("nested map no separator", "cluster {\n listen 127.0.0.1:6222\n}\n", null)]
        [InlineData("map with colon before brace", "cluster: { listen: 127.0.0.1:6222 }\n", null)]
        [InlineData("unterminated map", "cluster { listen: 127.0.0.1:6222\n", "Parse error on line 2: 'Unexpected EOF processing map.'")]
        [InlineData("unterminated string", "server_name: \"abc\n", "Parse error on line 2: 'Unexpected EOF.'")]
        [InlineData("duplicate key (last wins)", "port: 1\nport: 4333\n", null)]
        [InlineData("datetime", "server_name: 2023-01-01T00:00:00Z\n", "{file}:1:0: interface conversion: interface {} is time.Time, not string")]
        [InlineData("ip-like unquoted", "host: 127.0.0.1\n", null)]
        [InlineData("listen forms", "listen: 4333\n", null)]
        [InlineData("listen host only", "listen: \"127.0.0.1\"\n", "{file}:1:0: could not parse address string \"127.0.0.1\"")]
        [InlineData("listen :port", "listen: \":4333\"\n", null)]
        [InlineData("top-level braces", "{\n port: 4333\n}\n", null)]
        [InlineData("empty file", "", null)]
        [InlineData("max_payload > max_pending", "max_payload: 10MB\nmax_pending: 1MB\n", null)]
        [InlineData("max_payload > 1GB", "max_payload: 2GB\n", "{file}:1:0: max_payload value is too big")]
        [InlineData("max_payload > 8MB warn", "max_payload: 9MB\n", null)]
        [InlineData("user+token conflict", "authorization { user: a, password: b, token: c }\n", "{file}:1:0: Cannot have a user/pass and token")]
        [InlineData("users + single user conflict", "authorization { user: a, password: b, users: [{user: c, password: d}] }\n", "{file}:1:0: Can not have a single user/pass and a users array")]
        [InlineData("no_auth_user unknown", "no_auth_user: ghost\n", null)]
        [InlineData("bcrypt password w/ $", "authorization { user: a, password: $2a$11$W2zko751KUvVy59mUTWmpOdWjpEm5qhcCZRd05GjI/sSOT.xtiHyG }\n", null)]
        [InlineData("leafnodes reconnect int", "leafnodes { reconnect: 2, remotes: [ {url: \"nats-leaf://127.0.0.1:7422\"} ] }\n", null)]
        [InlineData("authorization timeout float", "authorization { user: a, password: b, timeout: 0.5 }\n", null)]
        [InlineData("authorization timeout string", "authorization { user: a, password: b, timeout: \"2s\" }\n", null)]
        [InlineData("nested key uppercase", "cluster { NAME: x, Listen: 127.0.0.1:6222 }\n", null)]
        [InlineData("tls key uppercase", "tls { CERT_FILE: \"/tmp/nref/certs/server-cert.pem\", KEY_FILE: \"/tmp/nref/certs/server-key.pem\" }\n", null)]
        [InlineData("cluster name with space", "cluster { name: \"a b\", listen: 127.0.0.1:6222 }\n", null)]
        [InlineData("cluster auth", "cluster { listen: 127.0.0.1:6222, authorization { user: r, password: p, timeout: 2 } }\n", null)]
        [InlineData("leafnode remote with urls + account", "accounts { A { users [{user: a, password: a}] } }\nleafnodes { remotes [ { urls: [\"nats-leaf://127.0.0.1:7422\", \"nats-leaf://127.0.0.1:7423\"], account: A } ] }\n", null)]
        [InlineData("leafnode remote unknown account", "leafnodes { remotes [ { url: \"nats-leaf://127.0.0.1:7422\", account: NOPE } ] }\n", null)]
        [InlineData("leafnode auth users with account", "accounts { A { users [{user: a, password: a}] } }\nleafnodes { listen: 127.0.0.1:7422, authorization { users [{user: l, password: p, account: A}] } }\n", null)]
        [InlineData("accounts users + no_auth_user", "accounts { A { users [{user: a, password: a}] } }\nno_auth_user: a\n", null)]
        [InlineData("permissions string instead of list", "authorization { users [{user: a, password: a, permissions: { publish: \"foo.>\", subscribe: { deny: \"x\" } }}] }\n", null)]
        [InlineData("permissions allow_responses", "authorization { users [{user: a, password: a, permissions: { allow_responses: true }}] }\n", null)]
        [InlineData("max_sub_tokens", "max_sub_tokens: 300\n", "{file}:1:0: max_sub_tokens value is too big")]
        [InlineData("http + http_port both", "http: 8222\nhttp_port: 8223\n", null)]
        [InlineData("monitor_port alias", "monitor_port: 8222\n", null)]
        [InlineData("net alias", "net: 127.0.0.1\n", null)]
        [InlineData("max_conn alias", "max_conn: 5\nmax_subs: 5\n", null)]
        [InlineData("gateway minimal", "gateway { name: g, listen: 127.0.0.1:7222 }\n", null)]
        [InlineData("websocket without tls", "websocket { listen: 127.0.0.1:8080 }\n", null)]
        [InlineData("websocket no_tls", "websocket { listen: 127.0.0.1:8080, no_tls: true }\n", null)]
        [InlineData("include at nested level", "authorization {\n include ./auth_inc.conf\n}\n", null)]
        [InlineData("variable defined after use", "port: $P\nP: 4333\n", "variable reference for 'P' on line 1 can not be found")]
        [InlineData("variable referencing env from inside block", "cluster { listen: 127.0.0.1:6222, name: $MYSTR2 }\n", null)]
        [InlineData("multiple errors at once", "foo: 1\nport: \"x\"\nbar: 2\n", "{file}:1:0: unknown field \"foo\"\n{file}:2:1: interface conversion: interface {} is string, not int64\n{file}:3:1: unknown field \"bar\"")]
        [InlineData("trace_verbose", "trace_verbose: true\n", null)]
        [InlineData("syslog + remote_syslog", "syslog: true\nremote_syslog: \"udp://127.0.0.1:514\"\n", null)]
        [InlineData("log_size_limit", "log_file: /tmp/x.log\nlog_size_limit: 1MB\n", null)]
        [InlineData("lame_duck_grace_period", "lame_duck_grace_period: \"5s\"\n", null)]
        [InlineData("ping_max / write_deadline / max_pending", "ping_max: 3\nwrite_deadline: \"5s\"\nmax_pending: 32MB\n", null)]
        [InlineData("connect_error_reports", "connect_error_reports: 10\nreconnect_error_reports: 5\n", null)]
        [InlineData("client_advertise", "client_advertise: \"example.com:4222\"\n", null)]
        [InlineData("ports_file_dir / pid_file", "ports_file_dir: /tmp\npid_file: /tmp/x.pid\n", null)]
        [InlineData("http_base_path", "http_port: 8222\nhttp_base_path: /nats\n", null)]
        [InlineData("no_header_support", "no_header_support: true\n", null)]
        [InlineData("disable_sublist_cache", "disable_sublist_cache: true\n", null)]
        [InlineData("system_account / no_system_account", "no_system_account: true\n", null)]
        [InlineData("server_tags", "server_tags: [\"a:1\", \"b\"]\n", null)]
        [InlineData("jetstream block (not needed)", "jetstream { store_dir: /tmp/js }\n", null)]
        [InlineData("account reserved $G", "accounts { $G { users [{user: a, password: a}] } }\n", "{file}:1:11: \"$G\" is a Reserved Account")]
        [InlineData("leafnodes reconnect string", "leafnodes { reconnect: \"2s\", remotes: [ {url: \"nats-leaf://127.0.0.1:7422\"} ] }\n", "{file}:1:12: interface conversion: interface {} is string, not int64")]
        [InlineData("unknown key inside cluster", "cluster { listen: 127.0.0.1:6222, foo: 1 }\n", "{file}:1:34: unknown field \"foo\"")]
        [InlineData("cluster pool_size (2.10)", "cluster { listen: 127.0.0.1:6222, pool_size: 3 }\n", "{file}:1:34: unknown field \"pool_size\"")]
        [InlineData("cluster auth with users array", "cluster { listen: 127.0.0.1:6222, authorization { users: [{user: r, password: p}] } }\n", "{file}:1:34: Cluster authorization does not allow multiple users")]
        [InlineData("unknown key inside tls", "tls { cert_file: a, key_file: b, foo: 1 }\n", "{file}:1:33: error parsing tls config, unknown field [\"foo\"]")]
        [InlineData("handshake_first in tls (2.10 only)", "tls { cert_file: \"/tmp/nref/certs/server-cert.pem\", key_file: \"/tmp/nref/certs/server-key.pem\", handshake_first: true }\n", "{file}:1:96: error parsing tls config, unknown field [\"handshake_first\"]")]
    public void MatchesNatsServerCheckOutput(string name, string text, string? expected)
    {
        using var dir = new TempConfigDir();
        dir.Write("inc.conf", "port: 4333\n");
        dir.Write("auth_inc.conf", "user: a\npassword: b\n");
        ReferenceCertificates.Ensure();
        string file = dir.Write("t.conf", text);

        string? verdict = ConfigBinder.Check(file, ConfigTestSupport.ReferenceEnv);
        string? reference = NatsServerCheck.Verdict(file, ConfigTestSupport.ReferenceEnvironment);
        string? written = expected?.Replace("{file}", file, StringComparison.Ordinal).Replace("{dir}", dir.Path, StringComparison.Ordinal);

        // nats-server itself gives the answer written above (errors in any order) ...
        Assert.True(
            Normalize(written) == Normalize(reference),
            $"{name}: the case says [{written}] but nats-server -t says [{reference}]");

        // ... and so do we.
        Assert.True(
            Normalize(reference) == Normalize(verdict),
            $"{name}: nats-server -t says [{reference}] got [{verdict}]");
    }

    private static string? Normalize(string? verdict) => verdict is null ? null : NatsServerCheck.Normalize(verdict);
}
