using NatsSharp.Server.Auth;
using NatsSharp.Server.Protocol;

namespace NatsSharp.Server.Tests.Auth;

/// <summary>Permission checks sit on the message path: on a subject seen before they must not allocate.</summary>
public class PermissionAllocationTests
{
    [Fact]
    public void Cached_publish_and_delivery_checks_allocate_nothing()
    {
        var perms = new CompiledPermissions(new Permissions
        {
            Publish = new SubjectPermission { Allow = ["orders.>", "_INBOX.>"], Deny = ["orders.audit"] },
            Subscribe = new SubjectPermission { Allow = [">"], Deny = ["orders.secret"] },
        });
        byte[] allowed = "orders.new"u8.ToArray();
        byte[] denied = "orders.audit"u8.ToArray();
        Assert.True(perms.CanPublish(allowed));
        Assert.False(perms.CanPublish(denied));
        Assert.False(perms.IsDeliveryDenied(allowed));

        long before = GC.GetAllocatedBytesForCurrentThread();
        int ok = 0;
        for (int i = 0; i < 10_000; i++)
        {
            ok += perms.CanPublish(allowed) ? 1 : 0;
            ok += perms.CanPublish(denied) ? 1 : 0;
            ok += perms.IsDeliveryDenied(allowed) ? 1 : 0;
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(10_000, ok);
        Assert.Equal(0, allocated);
    }
}
