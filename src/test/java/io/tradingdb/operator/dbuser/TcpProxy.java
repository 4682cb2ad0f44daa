package io.tradingdb.operator.dbuser;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP forwarder the test controls: {@link #stop()} refuses new connections and cuts
 * open ones, as a database that went down would; {@link #start()} brings it back on the same port.
 */
final class TcpProxy implements AutoCloseable {

  private final int targetPort;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile ServerSocket server;
  private int port;

  TcpProxy(int targetPort) {
    this.targetPort = targetPort;
  }

  int port() {
    return port;
  }

  synchronized void start() throws IOException {
    ServerSocket socket = new ServerSocket();
    socket.setReuseAddress(true);
    socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    port = socket.getLocalPort();
    server = socket;
    Thread acceptor = new Thread(() -> accept(socket), "tcp-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  synchronized void stop() {
    closeQuietly(server);
    sockets.forEach(TcpProxy::closeQuietly);
    sockets.clear();
  }

  @Override
  public void close() {
    stop();
  }

  private void accept(ServerSocket socket) {
    while (!socket.isClosed()) {
      try {
        Socket client = socket.accept();
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        sockets.add(client);
        sockets.add(upstream);
        pump(client, upstream);
        pump(upstream, client);
      } catch (IOException e) {
        return;
      }
    }
  }

  private void pump(Socket from, Socket to) {
    Thread t = new Thread(() -> {
      byte[] buffer = new byte[16384];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException ignored) {
        // One side went away; closing both ends below ends the other pump too.
      } finally {
        closeQuietly(from);
        closeQuietly(to);
      }
    }, "tcp-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(java.io.Closeable c) {
    try {
      if (c != null) {
        c.close();
      }
    } catch (IOException ignored) {
      // Already closed.
    }
  }
}
