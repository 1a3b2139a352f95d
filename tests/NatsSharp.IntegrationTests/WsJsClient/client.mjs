// Exercises a server's websocket port with the official websocket client (nats.ws), as a browser
// would use it: pub/sub, headers, request/reply. Prints OK and exits 0, or what failed and exits 1.
// Node 22 has WebSocket built in, Node 20 behind --experimental-websocket; older Node (Debian 12's
// 18) gets it from the "ws" package, the usual polyfill for nats.ws in Node.
if (typeof globalThis.WebSocket === "undefined") {
  globalThis.WebSocket = (await import("ws")).default;
}
const { connect, StringCodec, headers } = await import("nats.ws");

const fail = (what) => { console.log("FAIL: " + what); process.exit(1); };
const sc = StringCodec();
const nc = await connect({ servers: process.argv[2], name: "ws-interop", timeout: 5000 });

const sub = nc.subscribe("ws.test.>", { max: 50 });
const received = (async () => {
  let i = 0;
  for await (const m of sub) {
    if (sc.decode(m.data) !== `m${i}` || m.subject !== `ws.test.${i}`) fail(`message ${i}: ${m.subject} ${sc.decode(m.data)}`);
    i++;
  }
  return i;
})();
for (let i = 0; i < 50; i++) nc.publish(`ws.test.${i}`, sc.encode(`m${i}`));
await nc.flush();
if ((await received) !== 50) fail("not all messages arrived");

const hsub = nc.subscribe("ws.hdr", { max: 1 });
const hmsg = (async () => { for await (const m of hsub) return m; })();
const h = headers();
h.set("X-Trace", "abc");
nc.publish("ws.hdr", sc.encode("x".repeat(70000)), { headers: h });
const hm = await hmsg;
if (hm.headers?.get("X-Trace") !== "abc" || hm.data.length !== 70000) fail("header message");

nc.subscribe("ws.echo", { callback: (_, m) => m.respond(sc.encode("echo:" + sc.decode(m.data))) });
const reply = await nc.request("ws.echo", sc.encode("hi"), { timeout: 2000 });
if (sc.decode(reply.data) !== "echo:hi") fail("request/reply");

await nc.drain();
console.log("OK");
