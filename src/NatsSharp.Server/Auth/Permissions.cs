using NatsSharp.Server.Protocol;

namespace NatsSharp.Server.Auth;

/// <summary>What a user may publish and subscribe to (<c>permissions { publish, subscribe, allow_responses }</c>).</summary>
public sealed class Permissions
{
    public SubjectPermission? Publish { get; init; }

    public SubjectPermission? Subscribe { get; init; }

    public ResponsePermission? Response { get; init; }
}
