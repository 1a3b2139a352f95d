// Exercises nats.js's JetStream, KV and object store APIs (@nats-io/transport-node, @nats-io/jetstream,
// @nats-io/kv, @nats-io/obj) the way an application does, against the server URL in process.argv[2],
// printing a transcript without ids or times so two servers' transcripts can be compared line by line.
// Ends with DONE; an unexpected error prints FAIL and exits 1. See JetStreamJsClientTests.
import { connect } from "@nats-io/transport-node";
import { AckPolicy, DeliverPolicy, DiscardPolicy, jetstreamManager, RetentionPolicy, StorageType } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import { Objm } from "@nats-io/obj";
import { createHash } from "node:crypto";

const wait = 10_000;
const enc = new TextEncoder();
const dec = new TextDecoder();

function say(line) {
  process.stdout.write(line + "\n");
}

// An expected error, without anything that changes from run to run (inboxes, ids).
function err(e) {
  if (e === null || e === undefined) return "no error";
  const parts = [e.name];
  if (typeof e.code === "number") parts.push(`code=${e.code}`);
  if (typeof e.status === "number") parts.push(`status=${e.status}`);
  parts.push(e.message);
  return parts.join(" ");
}

async function attempt(fn) {
  try {
    await fn();
    return "no error";
  } catch (e) {
    return err(e);
  }
}

// Polls fn until ok(value) (acks and naks are fire-and-forget), bounded; returns the last value.
async function until(fn, ok) {
  let v = await fn();
  for (let i = 0; i < 100 && !ok(v); i++) {
    await new Promise((r) => setTimeout(r, 100));
    v = await fn();
  }
  return v;
}

function sinfo(si) {
  const c = si.config;
  return `stream ${c.name} subjects=${JSON.stringify(c.subjects)} storage=${c.storage} retention=${c.retention} discard=${c.discard} ` +
    `max_msgs=${c.max_msgs} max_bytes=${c.max_bytes} max_age=${c.max_age} max_msgs_per_subject=${c.max_msgs_per_subject} ` +
    `max_msg_size=${c.max_msg_size} duplicate_window=${c.duplicate_window} replicas=${c.num_replicas} ` +
    `allow_direct=${c.allow_direct} allow_rollup_hdrs=${c.allow_rollup_hdrs} deny_delete=${c.deny_delete} deny_purge=${c.deny_purge} ` +
    `description=${c.description ?? ""}`;
}

function state(st) {
  return `msgs=${st.messages} bytes=${st.bytes} first=${st.first_seq} last=${st.last_seq} consumers=${st.consumer_count} ` +
    `subjects=${st.num_subjects} deleted=${st.num_deleted ?? 0}`;
}

function cinfo(ci) {
  return `delivered=${ci.delivered.consumer_seq}/${ci.delivered.stream_seq} ack_floor=${ci.ack_floor.consumer_seq}/${ci.ack_floor.stream_seq} ` +
    `ack_pending=${ci.num_ack_pending} redelivered=${ci.num_redelivered} pending=${ci.num_pending}`;
}

function ccfg(c) {
  return `durable=${c.durable_name ?? ""} deliver_policy=${c.deliver_policy} ack_policy=${c.ack_policy} ack_wait=${c.ack_wait} ` +
    `max_deliver=${c.max_deliver} replay=${c.replay_policy} max_waiting=${c.max_waiting ?? ""} max_ack_pending=${c.max_ack_pending} ` +
    `filter=${c.filter_subject ?? ""} deliver_subject=${c.deliver_subject ?? ""}`;
}

function jmsg(m) {
  return `${m.subject} ${m.string()} seq=${m.seq} stream_seq=${m.info.streamSequence} deliveries=${m.info.deliveryCount} ` +
    `redelivered=${m.redelivered} pending=${m.info.pending}`;
}

async function streams(jsm, js) {
  let si = await jsm.streams.add({ name: "ORDERS", subjects: ["orders.>"], storage: StorageType.File });
  say(sinfo(si));
  say(`state ${state(si.state)}`);
  say(`add again same config: ${await attempt(() => jsm.streams.add({ name: "ORDERS", subjects: ["orders.>"], storage: StorageType.File }))}`);
  say(`add again other config: ${await attempt(() => jsm.streams.add({ name: "ORDERS", subjects: ["orders.>"], max_msgs: 5 }))}`);
  say(`add overlapping: ${await attempt(() => jsm.streams.add({ name: "OTHER", subjects: ["orders.new"] }))}`);
  say(`add bad name: ${await attempt(() => jsm.streams.add({ name: "A.B", subjects: ["ab"] }))}`);
  say(`info missing: ${await attempt(() => jsm.streams.info("NOPE"))}`);

  for (let i = 1; i <= 3; i++) {
    const a = await js.publish(`orders.new.${i}`, enc.encode(`new-${i}`));
    say(`publish stream=${a.stream} seq=${a.seq} duplicate=${a.duplicate}`);
  }
  let a = await js.publish("orders.new.1", enc.encode("dup"), { msgID: "m-1" });
  say(`publish msgID seq=${a.seq} duplicate=${a.duplicate}`);
  a = await js.publish("orders.new.1", enc.encode("dup"), { msgID: "m-1" });
  say(`publish msgID again seq=${a.seq} duplicate=${a.duplicate}`);
  say(`publish no stream: ${await attempt(() => js.publish("nostream.here", enc.encode("x"), { timeout: wait }))}`);
  say(`expect last seq 1: ${await attempt(() => js.publish("orders.x", enc.encode("x"), { expect: { lastSequence: 1 } }))}`);
  a = await js.publish("orders.x", enc.encode("x"), { expect: { lastSequence: 4 } });
  say(`expect last seq 4: seq=${a.seq}`);
  say(`expect stream OTHER: ${await attempt(() => js.publish("orders.x", enc.encode("x"), { expect: { streamName: "OTHER" } }))}`);
  a = await js.publish("orders.x", enc.encode("x2"), { expect: { streamName: "ORDERS", lastSubjectSequence: 5 } });
  say(`expect stream and subject seq: seq=${a.seq}`);
  say(`expect subject seq 1: ${await attempt(() => js.publish("orders.x", enc.encode("x"), { expect: { lastSubjectSequence: 1 } }))}`);
  a = await js.publish("orders.y", enc.encode("y"), { msgID: "m-2" });
  say(`publish msgID m-2 seq=${a.seq}`);
  say(`expect last msg id m-0: ${await attempt(() => js.publish("orders.y", enc.encode("y"), { expect: { lastMsgID: "m-0" } }))}`);
  a = await js.publish("orders.y", enc.encode("y2"), { msgID: "m-3", expect: { lastMsgID: "m-2" } });
  say(`expect last msg id m-2: seq=${a.seq}`);

  si = await jsm.streams.update("ORDERS", { subjects: ["orders.>", "returns.*"], max_msgs_per_subject: 10, description: "orders and returns", allow_direct: true });
  say(`updated ${sinfo(si)}`);
  say(`update storage: ${await attempt(() => jsm.streams.update("ORDERS", { storage: StorageType.Memory }))}`);
  say(`update missing: ${await attempt(() => jsm.streams.update("NOPE", { description: "x" }))}`);
  a = await js.publish("returns.1", enc.encode("r1"));
  say(`publish returns seq=${a.seq}`);

  si = await jsm.streams.info("ORDERS", { subjects_filter: ">" });
  say(`info ${state(si.state)}`);
  say(`info subjects ${JSON.stringify(Object.entries(si.state.subjects ?? {}).sort())}`);
  await jsm.streams.add({ name: "AUDIT", subjects: ["audit.>"], storage: StorageType.Memory, max_msgs: 2, discard: DiscardPolicy.New });
  const listed = [];
  for await (const s of jsm.streams.list()) listed.push(`${s.config.name}:${s.state.messages}`);
  say(`list ${listed.sort().join(",")}`);
  const names = [];
  for await (const n of jsm.streams.names()) names.push(n);
  say(`names ${names.sort().join(",")}`);
  const filtered = [];
  for await (const n of jsm.streams.names("audit.x")) filtered.push(n);
  say(`names for audit.x ${filtered.join(",")}`);
  say(`find returns.9: ${await jsm.streams.find("returns.9")}`);
  say(`find nothing: ${await attempt(() => jsm.streams.find("nothing.here"))}`);

  // discard new on a full stream
  for (let i = 1; i <= 3; i++) {
    say(`audit publish ${i}: ${await attempt(async () => say(`audit seq=${(await js.publish("audit.x", enc.encode(`a${i}`))).seq}`))}`);
  }

  let sm = await jsm.streams.getMessage("ORDERS", { seq: 2 });
  say(`get seq 2: ${sm.subject} ${sm.string()} seq=${sm.seq}`);
  sm = await jsm.streams.getMessage("ORDERS", { last_by_subj: "orders.x" });
  say(`get last orders.x: ${sm.subject} ${sm.string()} seq=${sm.seq}`);
  sm = await jsm.direct.getMessage("ORDERS", { last_by_subj: "orders.new.1" });
  say(`direct get last orders.new.1: ${sm.subject} ${sm.string()} seq=${sm.seq}`);
  sm = await jsm.direct.getMessage("ORDERS", { seq: 3 });
  say(`direct get seq 3: ${sm.subject} ${sm.string()} seq=${sm.seq}`);
  say(`direct get missing: ${await attempt(async () => say(`direct missing -> ${await jsm.direct.getMessage("ORDERS", { seq: 999 })}`))}`);
  say(`get missing: ${await attempt(async () => say(`missing -> ${await jsm.streams.getMessage("ORDERS", { seq: 999 })}`))}`);
  say(`delete seq 2: ${await jsm.streams.deleteMessage("ORDERS", 2)}`);
  say(`delete seq 2 again: ${await attempt(() => jsm.streams.deleteMessage("ORDERS", 2))}`);
  say(`erase seq 3: ${await jsm.streams.deleteMessage("ORDERS", 3, true)}`);
  si = await jsm.streams.info("ORDERS");
  say(`after deletes ${state(si.state)}`);
  let pr = await jsm.streams.purge("ORDERS", { filter: "orders.x" });
  say(`purge orders.x success=${pr.success} purged=${pr.purged}`);
  pr = await jsm.streams.purge("ORDERS", { filter: "orders.new.*", keep: 1 });
  say(`purge orders.new.* keep 1 success=${pr.success} purged=${pr.purged}`);
  si = await jsm.streams.info("ORDERS");
  say(`after purges ${state(si.state)}`);
  pr = await jsm.streams.purge("AUDIT");
  say(`purge AUDIT purged=${pr.purged}`);
  say(`delete AUDIT: ${await jsm.streams.delete("AUDIT")}`);
  say(`delete AUDIT again: ${await attempt(() => jsm.streams.delete("AUDIT"))}`);
  say(`delete ORDERS: ${await jsm.streams.delete("ORDERS")}`);
}

async function consumers(jsm, js) {
  await jsm.streams.add({ name: "EVENTS", subjects: ["events.>"] });
  for (let i = 1; i <= 10; i++) {
    await js.publish(`events.${i % 2 === 0 ? "even" : "odd"}.${i}`, enc.encode(`e${i}`));
  }

  let ci = await jsm.consumers.add("EVENTS", { durable_name: "PULL", ack_policy: AckPolicy.Explicit, ack_wait: 30_000_000_000 });
  say(`consumer PULL ${ccfg(ci.config)}`);
  say(`consumer PULL ${cinfo(ci)}`);
  say(`add consumer missing stream: ${await attempt(() => jsm.consumers.add("NOPE", { durable_name: "X", ack_policy: AckPolicy.Explicit }))}`);
  say(`consumer info missing: ${await attempt(() => jsm.consumers.info("EVENTS", "NOPE"))}`);
  const c = await js.consumers.get("EVENTS", "PULL");

  const m1 = await c.next({ expires: wait });
  say(`next ${jmsg(m1)}`);
  say(`ackAck ${await m1.ackAck()}`);

  const batch = await c.fetch({ max_messages: 4, expires: wait });
  const got = [];
  for await (const m of batch) {
    got.push(m);
    say(`fetch ${jmsg(m)}`);
    if (got.length === 4) break;
  }
  got[0].nak();
  got[1].term();
  got[2].working();
  got[2].ack();
  // got[3] stays unacknowledged
  ci = await until(() => c.info(), (v) => v.num_ack_pending === 2 && v.num_redelivered === 0);
  say(`after nak/term/ack ${cinfo(ci)}`);
  const again = await c.next({ expires: wait });
  say(`next after nak ${jmsg(again)}`);
  again.ack();
  got[3].ack();
  ci = await until(() => c.info(), (v) => v.num_ack_pending === 0);
  say(`after acks ${cinfo(ci)}`);

  const consumed = await c.consume({ max_messages: 3 });
  let n = 0;
  for await (const m of consumed) {
    say(`consume ${jmsg(m)}`);
    await m.ackAck();
    if (++n === 5) break;
  }
  await consumed.close();
  ci = await c.info();
  say(`after consume ${cinfo(ci)}`);
  const empty = await c.fetch({ max_messages: 2, expires: 1000 });
  let emptyCount = 0;
  for await (const m of empty) {
    emptyCount++;
    m.ack();
  }
  say(`fetch when drained got ${emptyCount}`);
  say(`next when drained: ${(await c.next({ expires: 1000 })) === null ? "null" : "message"}`);

  // A filtered durable, updated the way an application does.
  ci = await jsm.consumers.add("EVENTS", { durable_name: "EVEN", filter_subject: "events.even.>", ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.Last });
  say(`consumer EVEN ${ccfg(ci.config)}`);
  say(`consumer EVEN ${cinfo(ci)}`);
  ci = await jsm.consumers.update("EVENTS", "EVEN", { description: "even ones", max_deliver: 5 });
  say(`updated EVEN ${ccfg(ci.config)} description=${ci.config.description}`);
  say(`update EVEN deliver policy: ${await attempt(() => jsm.consumers.update("EVENTS", "EVEN", { deliver_policy: DeliverPolicy.All }))}`);
  const even = await js.consumers.get("EVENTS", "EVEN");
  const e1 = await even.next({ expires: wait });
  say(`EVEN next ${jmsg(e1)}`);
  await e1.ackAck();

  // Ordered consumer: no name, the client makes ephemeral ones.
  const ordered = await js.consumers.get("EVENTS", { filter_subjects: "events.odd.>" });
  const oiter = await ordered.consume();
  n = 0;
  for await (const m of oiter) {
    say(`ordered ${m.subject} ${m.string()} stream_seq=${m.info.streamSequence} pending=${m.info.pending}`);
    if (++n === 5) break;
  }
  await oiter.close();
  const ordered2 = await js.consumers.get("EVENTS", { deliver_policy: DeliverPolicy.LastPerSubject });
  const ofetch = await ordered2.fetch({ max_messages: 3, expires: wait });
  for await (const m of ofetch) {
    say(`ordered fetch ${m.subject} ${m.string()} stream_seq=${m.info.streamSequence}`);
  }

  // Push consumer, durable, consumed through the client's push API.
  ci = await jsm.consumers.add("EVENTS", { durable_name: "PUSH", deliver_subject: "push.events", ack_policy: AckPolicy.Explicit, filter_subject: "events.even.>" });
  say(`consumer PUSH ${ccfg(ci.config)} push_bound=${ci.push_bound ?? false}`);
  const push = await js.consumers.getPushConsumer("EVENTS", "PUSH");
  const piter = await push.consume();
  n = 0;
  for await (const m of piter) {
    say(`push ${jmsg(m)}`);
    await m.ackAck();
    if (++n === 5) {
      // Asked while the client's subscription is still there (leaving the loop ends it).
      ci = await until(() => push.info(), (v) => v.num_ack_pending === 0);
      say(`push info ${cinfo(ci)} push_bound=${ci.push_bound ?? false}`);
      break;
    }
  }
  await piter.close();

  // Ephemeral pull consumer with ack none.
  ci = await jsm.consumers.add("EVENTS", { ack_policy: AckPolicy.None, deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: 8 });
  say(`ephemeral ${ccfg(ci.config)} named=${ci.name.length > 0}`);
  const eph = js.consumers.getConsumerFromInfo(ci);
  const efetch = await eph.fetch({ max_messages: 10, expires: 1000 });
  for await (const m of efetch) say(`ephemeral ${jmsg(m)}`);
  ci = await eph.info();
  say(`ephemeral info ${cinfo(ci)}`);

  const listed = [];
  for await (const x of jsm.consumers.list("EVENTS")) {
    if (x.config.durable_name) listed.push(`${x.name}:${x.num_pending}:${x.num_ack_pending}`);
  }
  say(`durables ${listed.sort().join(",")}`);
  say(`delete EVEN: ${await jsm.consumers.delete("EVENTS", "EVEN")}`);
  say(`delete EVEN again: ${await attempt(() => jsm.consumers.delete("EVENTS", "EVEN"))}`);

  // Work queue retention: acked messages leave the stream.
  await jsm.streams.add({ name: "JOBS", subjects: ["jobs.*"], retention: RetentionPolicy.Workqueue });
  for (let i = 1; i <= 4; i++) await js.publish(`jobs.${i}`, enc.encode(`job${i}`));
  await jsm.consumers.add("JOBS", { durable_name: "W", ack_policy: AckPolicy.Explicit });
  say(`second workqueue consumer: ${await attempt(() => jsm.consumers.add("JOBS", { durable_name: "W2", ack_policy: AckPolicy.Explicit }))}`);
  const w = await js.consumers.get("JOBS", "W");
  const jobs = await w.fetch({ max_messages: 3, expires: wait });
  for await (const m of jobs) {
    say(`job ${jmsg(m)}`);
    await m.ackAck();
  }
  let si = await jsm.streams.info("JOBS");
  say(`jobs ${state(si.state)}`);
  await jsm.streams.delete("JOBS");

  si = await jsm.streams.info("EVENTS");
  say(`events ${state(si.state)}`);
  await jsm.streams.delete("EVENTS");
}

async function keyValue(nc) {
  const kvm = new Kvm(nc);
  const kv = await kvm.create("CONFIG", { history: 5 });
  let st = await kv.status();
  say(`kv ${st.bucket} history=${st.history} ttl=${st.ttl} values=${st.values} storage=${st.storage} replicas=${st.replicas} backing=${st.streamInfo.config.name}`);
  say(`kv stream ${sinfo(st.streamInfo)}`);

  let r = await kv.put("a", enc.encode("1"));
  say(`put a rev=${r}`);
  r = await kv.put("b", enc.encode("x"));
  say(`put b rev=${r}`);
  let e = await kv.get("a");
  say(`get a ${e.key}=${e.string()} rev=${e.revision} op=${e.operation} delta=${e.delta ?? ""}`);
  r = await kv.update("a", enc.encode("2"), 1);
  say(`update a rev=${r}`);
  say(`update a stale: ${await attempt(() => kv.update("a", enc.encode("3"), 1))}`);
  say(`create a existing: ${await attempt(() => kv.create("a", enc.encode("3")))}`);
  r = await kv.create("c", enc.encode("new"));
  say(`create c rev=${r}`);
  r = await kv.put("a", enc.encode("3"), { previousSeq: 3 });
  say(`put a previous 3 rev=${r}`);
  say(`put a previous 1: ${await attempt(() => kv.put("a", enc.encode("4"), { previousSeq: 1 }))}`);
  e = await kv.get("a", { revision: 3 });
  say(`get a revision 3: ${e.string()} rev=${e.revision}`);
  await kv.delete("c");
  e = await kv.get("c");
  say(`get deleted c: ${e === null ? "null" : `${e.operation} rev=${e.revision}`}`);
  r = await kv.create("c", enc.encode("again"));
  say(`create deleted c rev=${r}`);
  await kv.purge("b");
  e = await kv.get("b");
  say(`get purged b: ${e === null ? "null" : `${e.operation} rev=${e.revision}`}`);
  say(`get missing: ${await kv.get("zzz")}`);
  say(`put bad key: ${await attempt(() => kv.put("bad key", enc.encode("x")))}`);

  const keys = [];
  for await (const k of await kv.keys()) keys.push(k);
  say(`keys ${keys.sort().join(",")}`);
  const hist = [];
  for await (const h of await kv.history({ key: "a" })) hist.push(`${h.revision}:${h.operation}:${h.string()}`);
  say(`history a ${hist.join(" ")}`);
  const histAll = [];
  for await (const h of await kv.history()) histAll.push(`${h.key}@${h.revision}:${h.operation}`);
  say(`history all ${histAll.join(" ")}`);

  // A watcher gets the current values, then the updates as they happen.
  const watch = await kv.watch({ key: ">" });
  const seen = (async () => {
    const out = [];
    for await (const w of watch) {
      out.push(`${w.key}=${w.string()}:${w.operation}:${w.revision}:${w.isUpdate}`);
      if (w.key === "done") break;
    }
    return out;
  })();
  await kv.put("w.1", enc.encode("one"));
  await kv.delete("a");
  await kv.put("done", enc.encode("yes"));
  say(`watch ${(await seen).join(" ")}`);
  const updates = await kv.watch({ key: "w.*", include: "updates" });
  const upd = (async () => {
    for await (const w of updates) return `${w.key}=${w.string()}:${w.revision}:${w.isUpdate}`;
  })();
  // The watcher's consumer exists once watch() returned; this put comes after it.
  await kv.put("w.2", enc.encode("two"));
  say(`watch updates only ${await upd}`);
  updates.stop();

  st = await kv.status();
  say(`kv status values=${st.values} size>0=${st.size > 0}`);
  const buckets = [];
  for await (const b of kvm.list()) buckets.push(b.bucket);
  say(`buckets ${buckets.sort().join(",")}`);

  const ttl = await kvm.create("SESSIONS", { ttl: 1500 });
  st = await ttl.status();
  say(`kv ${st.bucket} ttl=${st.ttl} max_age=${st.streamInfo.config.max_age} duplicate_window=${st.streamInfo.config.duplicate_window}`);
  await ttl.put("s1", enc.encode("alive"));
  say(`ttl get ${(await ttl.get("s1"))?.string()}`);
  e = await until(() => ttl.get("s1"), (v) => v === null);
  say(`ttl get after expiry ${e === null ? "null" : e.string()}`);

  const ro = await kvm.open("CONFIG");
  say(`open CONFIG get c ${(await ro.get("c")).string()}`);
  say(`destroy CONFIG ${await kv.destroy()}`);
  say(`destroy SESSIONS ${await ttl.destroy()}`);
}

function digestOf(data) {
  return "SHA-256=" + createHash("sha256").update(data).digest("base64url");
}

async function objectStore(nc) {
  const objm = new Objm(nc);
  const os = await objm.create("FILES", { description: "files" });
  let st = await os.status();
  say(`obj ${st.bucket} description=${st.description} storage=${st.storage} replicas=${st.replicas} sealed=${st.sealed} backing=${st.backingStore}`);
  say(`obj stream ${sinfo(st.streamInfo)}`);

  const data = new Uint8Array(300_000);
  for (let i = 0; i < data.length; i++) data[i] = (i * 31 + (i >> 8)) & 0xff;
  let info = await os.putBlob({ name: "big.bin", description: "big", options: { max_chunk_size: 32 * 1024 } }, data);
  say(`put big.bin size=${info.size} chunks=${info.chunks} digest=${info.digest} same_digest=${info.digest === digestOf(data)} deleted=${info.deleted ?? false}`);

  const res = await os.get("big.bin");
  const chunks = [];
  for await (const c of res.data) chunks.push(c);
  say(`get big.bin error=${await res.error} size=${chunks.reduce((s, c) => s + c.length, 0)} same=${Buffer.compare(Buffer.concat(chunks), Buffer.from(data)) === 0}`);

  // A streamed put, the way a file is uploaded.
  const text = enc.encode("hello object store\n".repeat(5000));
  const rs = new ReadableStream({
    start(controller) {
      for (let i = 0; i < text.length; i += 7000) controller.enqueue(text.subarray(i, i + 7000));
      controller.close();
    },
  });
  info = await os.put({ name: "docs/readme.txt", metadata: { kind: "text" } }, rs);
  say(`put readme size=${info.size} chunks=${info.chunks} digest=${info.digest} same_digest=${info.digest === digestOf(text)}`);
  const back = await os.getBlob("docs/readme.txt");
  say(`getBlob readme same=${dec.decode(back) === dec.decode(text)}`);
  info = await os.putBlob({ name: "empty" }, new Uint8Array(0));
  say(`put empty size=${info.size} chunks=${info.chunks}`);
  say(`getBlob empty length=${(await os.getBlob("empty")).length}`);

  info = await os.info("big.bin");
  say(`info big.bin ${info.name} size=${info.size} chunks=${info.chunks} description=${info.description} bucket=${info.bucket}`);
  say(`info missing ${await os.info("missing")}`);
  say(`get missing ${await os.get("missing")}`);

  const link = await os.link("big-link", info);
  say(`link ${link.name} -> ${link.options?.link?.bucket}/${link.options?.link?.name}`);
  const viaLink = await os.getBlob("big-link");
  say(`get via link same=${Buffer.compare(Buffer.from(viaLink), Buffer.from(data)) === 0}`);
  say(`link to link: ${await attempt(async () => os.link("link2", await os.info("big-link")))}`);

  await os.update("docs/readme.txt", { name: "docs/README.txt", description: "renamed" });
  say(`after rename old=${await os.info("docs/readme.txt")} new=${(await os.info("docs/README.txt"))?.description}`);

  let list = (await os.list()).map((i) => `${i.name}:${i.size}`).sort();
  say(`list ${list.join(",")}`);
  const pr = await os.delete("big.bin");
  say(`delete big.bin success=${pr.success} purged=${pr.purged}`);
  info = await os.info("big.bin");
  say(`info deleted ${info === null ? "null" : `deleted=${info.deleted} size=${info.size} chunks=${info.chunks}`}`);
  list = (await os.list()).map((i) => i.name).sort();
  say(`list after delete ${list.join(",")}`);
  st = await os.status();
  say(`obj status sealed=${st.sealed} size>0=${st.size > 0}`);
  st = await os.seal();
  say(`sealed ${st.sealed}`);
  say(`put after seal: ${await attempt(() => os.putBlob({ name: "late" }, enc.encode("x")))}`);
  const stores = [];
  for await (const s of objm.list()) stores.push(s.bucket);
  say(`stores ${stores.join(",")}`);
  say(`destroy FILES ${await os.destroy()}`);
}

async function main() {
  const nc = await connect({ servers: process.argv[2], timeout: wait, reconnect: false });
  try {
    const jsm = await jetstreamManager(nc, { timeout: wait });
    const ai = await jsm.getAccountInfo();
    say(`account streams=${ai.streams} consumers=${ai.consumers}`);
    const js = jsm.jetstream();
    await streams(jsm, js);
    await consumers(jsm, js);
    await keyValue(nc);
    await objectStore(nc);
    say("DONE");
  } finally {
    await nc.close();
  }
}

main().catch((e) => {
  say(`FAIL ${e?.stack ?? e}`);
  process.exit(1);
});
