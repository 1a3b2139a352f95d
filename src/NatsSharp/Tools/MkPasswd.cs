using System.Security.Cryptography;
using NatsSharp.Server.Auth;

namespace NatsSharp.Tools;

/// <summary>
/// <c>natssharp mkpasswd [-p] [-c cost]</c>: nats-server's mkpasswd tool. Without -p it makes a
/// random password and prints it with its bcrypt hash; with -p it reads the password from stdin
/// (prompting twice on a terminal) and prints only the hash. The password is never logged.
/// </summary>
internal static class MkPasswd
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!@#$%^&*()-_=+,.?/:;{}[]~";
    private const int GeneratedLength = 22;

    public static bool IsInvocation(string[] args) => args.Length > 0 && args[0] is "mkpasswd" or "--mkpasswd" or "-mkpasswd";

    public static int Run(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr, bool interactive)
    {
        bool prompt = false;
        int cost = Bcrypt.DefaultCost;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "-p" or "--p":
                    prompt = true;
                    break;
                case "-c" or "--c" when i + 1 < args.Length && int.TryParse(args[i + 1], out int c):
                    cost = c;
                    i++;
                    break;
                case "-h" or "--help" or "-help":
                    stdout.WriteLine("Usage: natssharp mkpasswd [-p] [-c cost]");
                    stdout.WriteLine("  -p        Input password manually (read from stdin)");
                    stdout.WriteLine($"  -c cost   The cost weight, range of 4-31 ({Bcrypt.DefaultCost})");
                    return 0;
                default:
                    stderr.WriteLine($"natssharp mkpasswd: unknown argument \"{args[i]}\"");
                    return 2;
            }
        }

        if (cost is < 4 or > 31)
        {
            stderr.WriteLine($"natssharp mkpasswd: cost {cost} is outside the range 4-31");
            return 2;
        }

        string password;
        if (prompt)
        {
            if (interactive)
            {
                stderr.Write("Enter Password: ");
            }

            password = stdin.ReadLine() ?? "";
            if (interactive)
            {
                stderr.Write("Reenter Password: ");
                if ((stdin.ReadLine() ?? "") != password)
                {
                    stderr.WriteLine("Error, passwords do not match");
                    return 1;
                }
            }

            if (password.Length == 0)
            {
                stderr.WriteLine("Error, empty password");
                return 1;
            }
        }
        else
        {
            password = Generate();
            stdout.WriteLine($"pass: {password}");
        }

        stdout.WriteLine($"bcrypt hash: {Bcrypt.Hash(password, cost)}");
        return 0;
    }

    private static string Generate()
    {
        var chars = new char[GeneratedLength];
        for (int i = 0; i < chars.Length; i++)
        {
            chars[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        }

        return new string(chars);
    }
}
