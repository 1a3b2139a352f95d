// goclient exercises a NATS server with the official Go client (nats.go 1.22, Debian's
// golang-github-nats-io-go-nats-dev): pub/sub, headers, request/reply, no responders,
// queue groups. It prints OK and exits 0, or prints what failed and exits 1.
package main

import (
	"errors"
	"fmt"
	"os"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
)

func fail(format string, args ...interface{}) {
	fmt.Printf("FAIL: "+format+"\n", args...)
	os.Exit(1)
}

func main() {
	if len(os.Args) < 2 {
		fail("usage: goclient nats://host:port")
	}
	nc, err := nats.Connect(os.Args[1], nats.Name("interop"), nats.Timeout(5*time.Second))
	if err != nil {
		fail("connect: %v", err)
	}
	defer nc.Close()

	// Plain pub/sub with a wildcard, in order.
	sub, err := nc.SubscribeSync("go.test.>")
	if err != nil {
		fail("subscribe: %v", err)
	}
	for i := 0; i < 100; i++ {
		if err := nc.Publish(fmt.Sprintf("go.test.%d", i), []byte(fmt.Sprintf("m%d", i))); err != nil {
			fail("publish: %v", err)
		}
	}
	for i := 0; i < 100; i++ {
		m, err := sub.NextMsg(5 * time.Second)
		if err != nil {
			fail("next msg %d: %v", i, err)
		}
		if string(m.Data) != fmt.Sprintf("m%d", i) || m.Subject != fmt.Sprintf("go.test.%d", i) {
			fail("message %d: got %s %q", i, m.Subject, m.Data)
		}
	}

	// Headers.
	hsub, _ := nc.SubscribeSync("go.hdr")
	msg := nats.NewMsg("go.hdr")
	msg.Header.Set("X-Trace", "abc")
	msg.Data = []byte("with header")
	if err := nc.PublishMsg(msg); err != nil {
		fail("publish with header: %v", err)
	}
	hm, err := hsub.NextMsg(5 * time.Second)
	if err != nil || hm.Header.Get("X-Trace") != "abc" || string(hm.Data) != "with header" {
		fail("header message: %v %v %q", err, hm, hm)
	}

	// Request/reply.
	if _, err := nc.Subscribe("go.echo", func(m *nats.Msg) { m.Respond(append([]byte("echo:"), m.Data...)) }); err != nil {
		fail("responder: %v", err)
	}
	for i := 0; i < 20; i++ {
		r, err := nc.Request("go.echo", []byte(fmt.Sprintf("%d", i)), 5*time.Second)
		if err != nil || string(r.Data) != fmt.Sprintf("echo:%d", i) {
			fail("request %d: %v %v", i, err, r)
		}
	}

	// No responders: the server answers a request nobody listens to with a 503.
	if _, err := nc.Request("go.nobody", []byte("x"), 5*time.Second); !errors.Is(err, nats.ErrNoResponders) {
		fail("expected no responders, got %v", err)
	}

	// Queue group: every message to exactly one member.
	var a, b int64
	qa, _ := nc.QueueSubscribe("go.work", "workers", func(*nats.Msg) { atomic.AddInt64(&a, 1) })
	qb, _ := nc.QueueSubscribe("go.work", "workers", func(*nats.Msg) { atomic.AddInt64(&b, 1) })
	for i := 0; i < 200; i++ {
		nc.Publish("go.work", []byte("job"))
	}
	if err := nc.Flush(); err != nil {
		fail("flush: %v", err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for atomic.LoadInt64(&a)+atomic.LoadInt64(&b) < 200 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if total := atomic.LoadInt64(&a) + atomic.LoadInt64(&b); total != 200 {
		fail("queue group delivered %d of 200", total)
	}
	qa.Unsubscribe()
	qb.Unsubscribe()

	// The server's INFO as the client saw it.
	if !nc.HeadersSupported() {
		fail("server does not announce headers")
	}
	version := nc.ConnectedServerVersion()
	if err := nc.Drain(); err != nil {
		fail("drain: %v", err)
	}
	fmt.Println("OK", version)
}
