namespace NatsSharp.Fuzz;

/// <summary>Which listener a stream is played against.</summary>
public enum FuzzPort
{
    Client,
    Route,
    Leaf,
}
