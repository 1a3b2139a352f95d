/* cclient exercises a NATS server with the official C client (Debian's libnats-dev):
 * pub/sub, queue groups and request/reply. Prints OK and exits 0, or what failed and exits 1. */
#include <stdio.h>
#include <string.h>
#include <nats/nats.h>

#define CHECK(call) do { natsStatus s_ = (call); if (s_ != NATS_OK) { \
    printf("FAIL: %s: %s\n", #call, natsStatus_GetText(s_)); return 1; } } while (0)

static void echo(natsConnection *nc, natsSubscription *sub, natsMsg *msg, void *closure)
{
    char reply[256];
    snprintf(reply, sizeof(reply), "echo:%.*s", natsMsg_GetDataLength(msg), natsMsg_GetData(msg));
    natsConnection_PublishString(nc, natsMsg_GetReply(msg), reply);
    natsMsg_Destroy(msg);
}

static volatile int queued[2];

static void worker(natsConnection *nc, natsSubscription *sub, natsMsg *msg, void *closure)
{
    __sync_fetch_and_add(&queued[(int)(long)closure], 1);
    natsMsg_Destroy(msg);
}

int main(int argc, char **argv)
{
    natsConnection *nc = NULL;
    natsSubscription *sub = NULL, *svc = NULL, *q0 = NULL, *q1 = NULL;
    natsMsg *msg = NULL;
    char expected[32];
    int i;

    if (argc < 2) { printf("FAIL: usage: cclient nats://host:port\n"); return 1; }
    CHECK(natsConnection_ConnectTo(&nc, argv[1]));

    CHECK(natsConnection_SubscribeSync(&sub, nc, "c.test.*"));
    for (i = 0; i < 100; i++) {
        snprintf(expected, sizeof(expected), "m%d", i);
        CHECK(natsConnection_PublishString(nc, "c.test.x", expected));
    }
    for (i = 0; i < 100; i++) {
        CHECK(natsSubscription_NextMsg(&msg, sub, 5000));
        snprintf(expected, sizeof(expected), "m%d", i);
        if (natsMsg_GetDataLength(msg) != (int)strlen(expected) || memcmp(natsMsg_GetData(msg), expected, strlen(expected)) != 0) {
            printf("FAIL: message %d was %.*s\n", i, natsMsg_GetDataLength(msg), natsMsg_GetData(msg));
            return 1;
        }
        natsMsg_Destroy(msg);
    }

    CHECK(natsConnection_Subscribe(&svc, nc, "c.echo", echo, NULL));
    for (i = 0; i < 20; i++) {
        CHECK(natsConnection_RequestString(&msg, nc, "c.echo", "ping", 5000));
        if (strncmp(natsMsg_GetData(msg), "echo:ping", 9) != 0) { printf("FAIL: reply %s\n", natsMsg_GetData(msg)); return 1; }
        natsMsg_Destroy(msg);
    }

    CHECK(natsConnection_QueueSubscribe(&q0, nc, "c.work", "workers", worker, (void *)0));
    CHECK(natsConnection_QueueSubscribe(&q1, nc, "c.work", "workers", worker, (void *)1));
    for (i = 0; i < 200; i++) CHECK(natsConnection_PublishString(nc, "c.work", "job"));
    CHECK(natsConnection_Flush(nc));
    for (i = 0; i < 500 && queued[0] + queued[1] < 200; i++) nats_Sleep(10);
    if (queued[0] + queued[1] != 200) { printf("FAIL: queue group delivered %d of 200\n", queued[0] + queued[1]); return 1; }

    natsSubscription_Destroy(sub);
    natsSubscription_Destroy(svc);
    natsSubscription_Destroy(q0);
    natsSubscription_Destroy(q1);
    natsConnection_Destroy(nc);
    nats_Close();
    printf("OK\n");
    return 0;
}
