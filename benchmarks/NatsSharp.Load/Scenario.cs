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
    Idle,
    JsPub,
    JsFetch,
    KvPut,
    KvGet,
}
