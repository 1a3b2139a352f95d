namespace NatsSharp.Load;

internal enum Scenario
{
    Pub,
    PubSub,
    Fanout,
    Queue,
    ReqRep,
    Storm,
    JsPub,
    JsFetch,
    KvPut,
    KvGet,
}
