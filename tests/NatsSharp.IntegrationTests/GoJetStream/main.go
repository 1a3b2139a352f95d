// Exercises nats.go's JetStream API the way an application does (streams, publish acks, pull and
// push consumers, KeyValue, ObjectStore) against the server URL in os.Args[1], printing a transcript
// without ids or times so two servers' transcripts can be compared line by line. Ends with DONE;
// an unexpected error prints FAIL and exits 1.
package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"sort"
	"time"

	"github.com/nats-io/nats.go"
)

const wait = 10 * time.Second

func say(format string, args ...interface{}) { fmt.Printf(format+"\n", args...) }

func must(step string, err error) {
	if err != nil {
		say("FAIL %s: %v", step, err)
		os.Exit(1)
	}
}

func main() {
	nc, err := nats.Connect(os.Args[1], nats.Timeout(wait), nats.NoReconnect())
	must("connect", err)
	defer nc.Close()
	js, err := nc.JetStream(nats.MaxWait(wait))
	must("jetstream context", err)

	streams(js)
	keyValue(js)
	objectStore(js)
	say("DONE")
}

func streams(js nats.JetStreamContext) {
	si, err := js.AddStream(&nats.StreamConfig{Name: "ORDERS", Subjects: []string{"orders.>"}, Storage: nats.FileStorage})
	must("add stream", err)
	say("stream %s subjects=%v storage=%s retention=%s msgs=%d", si.Config.Name, si.Config.Subjects, si.Config.Storage, si.Config.Retention, si.State.Msgs)

	for i := 1; i <= 3; i++ {
		ack, err := js.Publish(fmt.Sprintf("orders.sync.%d", i), []byte(fmt.Sprintf("sync-%d", i)))
		must("publish", err)
		say("publish ack stream=%s seq=%d duplicate=%v", ack.Stream, ack.Sequence, ack.Duplicate)
	}
	ack, err := js.Publish("orders.sync.1", []byte("again"), nats.MsgId("m-1"))
	must("publish msg id", err)
	say("publish msgid ack seq=%d duplicate=%v", ack.Sequence, ack.Duplicate)
	ack, err = js.Publish("orders.sync.1", []byte("again"), nats.MsgId("m-1"))
	must("publish msg id again", err)
	say("publish msgid again ack seq=%d duplicate=%v", ack.Sequence, ack.Duplicate)
	_, err = js.Publish("nostream.here", []byte("x"))
	say("publish without stream: %v", err)

	var futures []nats.PubAckFuture
	for i := 1; i <= 5; i++ {
		f, err := js.PublishAsync(fmt.Sprintf("orders.async.%d", i), []byte(fmt.Sprintf("async-%d", i)))
		must("publish async", err)
		futures = append(futures, f)
	}
	select {
	case <-js.PublishAsyncComplete():
	case <-time.After(wait):
		must("publish async complete", errors.New("timed out"))
	}
	for i, f := range futures {
		select {
		case a := <-f.Ok():
			say("async ack %d stream=%s seq=%d", i+1, a.Stream, a.Sequence)
		case e := <-f.Err():
			say("async error %d: %v", i+1, e)
		}
	}

	si, err = js.StreamInfo("ORDERS")
	must("stream info", err)
	say("stream info msgs=%d bytes=%d first=%d last=%d consumers=%d subjects=%d", si.State.Msgs, si.State.Bytes, si.State.FirstSeq, si.State.LastSeq, si.State.Consumers, si.State.NumSubjects)

	pull := pullConsumer(js)
	push := pushConsumer(js)

	si, err = js.StreamInfo("ORDERS")
	must("stream info", err)
	say("stream info consumers=%d", si.State.Consumers)
	names := []string{}
	for n := range js.ConsumerNames("ORDERS") {
		names = append(names, n)
	}
	sort.Strings(names)
	say("consumer names %v", names)
	// nats.go deletes the consumers its Subscribe calls created when the subscription ends.
	must("unsubscribe pull", pull.Unsubscribe())
	must("unsubscribe push", push.Unsubscribe())
	_, err = js.ConsumerInfo("ORDERS", "PULL")
	say("consumer info after unsubscribe: %v", err)
	si, err = js.StreamInfo("ORDERS")
	must("stream info", err)
	say("stream info consumers=%d", si.State.Consumers)
	must("delete stream", js.DeleteStream("ORDERS"))
	_, err = js.StreamInfo("ORDERS")
	say("deleted stream info: %v", err)
}

func pullConsumer(js nats.JetStreamContext) *nats.Subscription {
	sub, err := js.PullSubscribe("orders.>", "PULL", nats.AckExplicit())
	must("pull subscribe", err)
	got := 0
	for round := 1; got < 9 && round <= 5; round++ {
		msgs, err := sub.Fetch(4, nats.MaxWait(wait))
		must("fetch", err)
		say("fetch round %d got %d", round, len(msgs))
		for _, m := range msgs {
			md, err := m.Metadata()
			must("metadata", err)
			say("  pull %s %q stream=%s seq=%d/%d delivered=%d pending=%d", m.Subject, m.Data, md.Stream, md.Sequence.Stream, md.Sequence.Consumer, md.NumDelivered, md.NumPending)
			must("ack", m.AckSync())
			got++
		}
	}
	ci, err := js.ConsumerInfo("ORDERS", "PULL")
	must("consumer info", err)
	say("pull consumer %s durable=%s ack=%s delivered=%d/%d ackfloor=%d/%d pending=%d ack_pending=%d redelivered=%d waiting=%d",
		ci.Name, ci.Config.Durable, ci.Config.AckPolicy, ci.Delivered.Consumer, ci.Delivered.Stream, ci.AckFloor.Consumer, ci.AckFloor.Stream,
		ci.NumPending, ci.NumAckPending, ci.NumRedelivered, ci.NumWaiting)
	_, err = sub.Fetch(1, nats.MaxWait(500*time.Millisecond))
	say("fetch on empty: %v", err)
	return sub
}

func pushConsumer(js nats.JetStreamContext) *nats.Subscription {
	received := make(chan *nats.Msg, 64)
	sub, err := js.Subscribe("orders.async.>", func(m *nats.Msg) { received <- m }, nats.Durable("PUSH"), nats.ManualAck(), nats.DeliverAll(), nats.AckExplicit())
	must("push subscribe", err)
	for i := 0; i < 5; i++ {
		select {
		case m := <-received:
			md, err := m.Metadata()
			must("metadata", err)
			say("  push %s %q seq=%d/%d pending=%d", m.Subject, m.Data, md.Sequence.Stream, md.Sequence.Consumer, md.NumPending)
			must("ack", m.AckSync())
		case <-time.After(wait):
			must("push receive", errors.New("timed out"))
		}
	}
	ci, err := sub.ConsumerInfo()
	must("push consumer info", err)
	say("push consumer %s filter=%s deliver=%d push=%v delivered=%d/%d ackfloor=%d/%d pending=%d ack_pending=%d",
		ci.Name, ci.Config.FilterSubject, ci.Config.DeliverPolicy, ci.Config.DeliverSubject != "", ci.Delivered.Consumer, ci.Delivered.Stream,
		ci.AckFloor.Consumer, ci.AckFloor.Stream, ci.NumPending, ci.NumAckPending)
	return sub
}

func keyValue(js nats.JetStreamContext) {
	kv, err := js.CreateKeyValue(&nats.KeyValueConfig{Bucket: "config", History: 5, Storage: nats.FileStorage})
	must("create kv", err)
	say("kv bucket %s", kv.Bucket())

	rev, err := kv.Put("app.color", []byte("red"))
	must("put", err)
	say("put app.color rev=%d", rev)
	rev, err = kv.Put("app.size", []byte("10"))
	must("put", err)
	say("put app.size rev=%d", rev)
	e, err := kv.Get("app.color")
	must("get", err)
	say("get %s=%q rev=%d op=%s", e.Key(), e.Value(), e.Revision(), e.Operation())
	rev, err = kv.Update("app.color", []byte("blue"), e.Revision())
	must("update", err)
	say("update app.color rev=%d", rev)
	_, err = kv.Update("app.color", []byte("green"), e.Revision())
	say("update with old revision: %v", err)
	_, err = kv.Create("app.size", []byte("11"))
	say("create existing: %v", err)
	_, err = kv.Get("app.missing")
	say("get missing: %v", err)

	w, err := kv.Watch("app.*")
	must("watch", err)
	for done := false; !done; {
		select {
		case e := <-w.Updates():
			if e == nil {
				say("watch initial values done")
				done = true
			} else {
				say("watch %s=%q rev=%d op=%s", e.Key(), e.Value(), e.Revision(), e.Operation())
			}
		case <-time.After(wait):
			must("watch initial", errors.New("timed out"))
		}
	}

	must("delete", kv.Delete("app.size"))
	say("deleted app.size")
	_, err = kv.Get("app.size")
	say("get deleted: %v", err)
	select {
	case e := <-w.Updates():
		say("watch %s=%q rev=%d op=%s", e.Key(), e.Value(), e.Revision(), e.Operation())
	case <-time.After(wait):
		must("watch update", errors.New("timed out"))
	}
	must("stop watch", w.Stop())

	keys, err := kv.Keys()
	must("keys", err)
	sort.Strings(keys)
	say("keys %v", keys)
	hist, err := kv.History("app.color")
	must("history", err)
	for _, h := range hist {
		say("history %s=%q rev=%d op=%s", h.Key(), h.Value(), h.Revision(), h.Operation())
	}
	hist, err = kv.History("app.size")
	must("history", err)
	for _, h := range hist {
		say("history %s=%q rev=%d op=%s", h.Key(), h.Value(), h.Revision(), h.Operation())
	}
	st, err := kv.Status()
	must("kv status", err)
	say("kv status values=%d history=%d", st.Values(), st.History())
	must("delete kv", js.DeleteKeyValue("config"))
	_, err = js.KeyValue("config")
	say("bound deleted bucket: %v", err)
}

func objectStore(js nats.JetStreamContext) {
	obs, err := js.CreateObjectStore(&nats.ObjectStoreConfig{Bucket: "files", Storage: nats.FileStorage})
	must("create object store", err)
	data := make([]byte, 300000) // more than two of nats.go's 128 KiB chunks
	for i := range data {
		data[i] = byte(i*7 + i/251)
	}
	info, err := obs.PutBytes("big.bin", data)
	must("object put", err)
	say("object put %s size=%d chunks=%d digest=%s deleted=%v", info.Name, info.Size, info.Chunks, info.Digest, info.Deleted)
	back, err := obs.GetBytes("big.bin")
	must("object get", err)
	say("object get size=%d equal=%v", len(back), bytes.Equal(back, data))
	info, err = obs.GetInfo("big.bin")
	must("object info", err)
	say("object info %s bucket=%s size=%d chunks=%d digest=%s", info.Name, info.Bucket, info.Size, info.Chunks, info.Digest)
	_, err = obs.PutString("small.txt", "hello")
	must("object put small", err)
	list, err := obs.List()
	must("object list", err)
	names := []string{}
	for _, o := range list {
		names = append(names, fmt.Sprintf("%s:%d", o.Name, o.Size))
	}
	sort.Strings(names)
	say("object list %v", names)
	must("object delete", obs.Delete("big.bin"))
	_, err = obs.GetBytes("big.bin")
	say("object get deleted: %v", err)
	info, err = obs.GetInfo("big.bin")
	say("object info deleted: %v", err)
	st, err := obs.Status()
	must("object status", err)
	say("object status bucket=%s sealed=%v", st.Bucket(), st.Sealed())
	must("delete object store", js.DeleteObjectStore("files"))
	say("object store deleted")
}
