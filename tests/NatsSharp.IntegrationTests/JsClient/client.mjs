// Exercises a NATS server with the official JavaScript client (nats.js): pub/sub, headers,
// request/reply, no responders and queue groups. Prints OK and exits 0, or what failed and exits 1.
import { connect, StringCodec, headers, ErrorCode } from "nats";

const fail = (what) => { console.log("FAIL: " + what); process.exit(1); };
const sc = StringCodec();
const nc = await connect({ servers: process.argv[2], name: "js-interop", timeout: 5000 });

const sub = nc.subscribe("js.test.>", { max: 100 });
const received = (async () => {
  let i = 0;
  for await (const m of sub) {
    if (sc.decode(m.data) !== `m${i}` || m.subject !== `js.test.${i}`) fail(`message ${i}: ${m.subject} ${sc.decode(m.data)}`);
    i++;
  }
  return i;
})();
for (let i = 0; i < 100; i++) nc.publish(`js.test.${i}`, sc.encode(`m${i}`));
await nc.flush();
if ((await received) !== 100) fail("not all messages arrived");

const hsub = nc.subscribe("js.hdr", { max: 1 });
const hmsg = (async () => { for await (const m of hsub) return m; })();
const h = headers();
h.set("X-Trace", "abc");
nc.publish("js.hdr", sc.encode("with header"), { headers: h });
const hm = await hmsg;
if (hm.headers?.get("X-Trace") !== "abc" || sc.decode(hm.data) !== "with header") fail("header message");

nc.subscribe("js.echo", { callback: (_, m) => m.respond(sc.encode("echo:" + sc.decode(m.data))) });
for (let i = 0; i < 20; i++) {
  const r = await nc.request("js.echo", sc.encode(`${i}`), { timeout: 5000 });
  if (sc.decode(r.data) !== `echo:${i}`) fail(`reply ${i}`);
}

try {
  await nc.request("js.nobody", sc.encode("x"), { timeout: 5000 });
  fail("a request nobody listens to was answered");
} catch (e) {
  if (e.code !== ErrorCode.NoResponders) fail("expected no responders, got " + e.code);
}

let a = 0, b = 0;
nc.subscribe("js.work", { queue: "workers", callback: () => a++ });
nc.subscribe("js.work", { queue: "workers", callback: () => b++ });
await nc.flush();
for (let i = 0; i < 200; i++) nc.publish("js.work", sc.encode("job"));
await nc.flush();
for (let i = 0; i < 500 && a + b < 200; i++) await new Promise((r) => setTimeout(r, 10));
if (a + b !== 200) fail(`queue group delivered ${a + b} of 200`);

const version = nc.info?.version;
await nc.drain();
console.log("OK", version);
