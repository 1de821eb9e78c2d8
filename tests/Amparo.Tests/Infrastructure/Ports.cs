using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace Amparo.Tests.Infrastructure;

/// <summary>
/// A free loopback port for a test server, chosen below the kernel's ephemeral range (32768–60999 on Linux). A port the
/// kernel hands out for ":0" can be handed out again as the local end of any outgoing connection (a database
/// connection, an HTTP call) in the moment between our check and the server's bind — and the two test projects run at
/// the same time. A random port outside that range can only clash with another test server, and the bind check catches that.
/// </summary>
public static class Ports
{
    public static int Free()
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var port = RandomNumberGenerator.GetInt32(20000, 32000);
            try
            {
                using var l = new TcpListener(IPAddress.Loopback, port);
                l.Start();
                return port;
            }
            catch (SocketException) { }
        }
        throw new InvalidOperationException("No free loopback port between 20000 and 32000.");
    }
}
