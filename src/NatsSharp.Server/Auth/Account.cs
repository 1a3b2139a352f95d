using NatsSharp.Server.Subjects;

namespace NatsSharp.Server.Auth;

/// <summary>An isolated subject space. Every client belongs to one; "$G" is the default.</summary>
internal sealed class Account
{
    public const string GlobalName = "$G";

    public Account(string name, bool enableCache)
    {
        Name = name;
        Sublist = new Sublist(enableCache);
    }

    public string Name { get; }

    public Sublist Sublist { get; }
}
