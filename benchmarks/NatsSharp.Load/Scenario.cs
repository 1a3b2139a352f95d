namespace NatsSharp.Load;

internal enum Scenario
{
    Pub,
    PubSub,
    Fanout,
    Queue,
    FanIn,
    ReqRep,
    Storm,
    JsPub,
    JsFetch,
    KvPut,
    KvGet,
}
