package org.mistyproxy.proxy.relay;

import io.undertow.client.ClientCallback;
import io.undertow.client.ClientConnection;
import io.undertow.client.UndertowClient;
import io.undertow.connector.ByteBufferPool;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.mistyproxy.config.RobotAddress;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.XnioIoThread;

/**
 * Keep-alive connections to robots. Each IO thread keeps its own idle connections per robot
 * (as Undertow's proxy does), so a request, its upstream connection and their callbacks all run
 * on one thread: no locks on the hot path and no hand-off between threads.
 */
final class UpstreamPool implements AutoCloseable {

    /** Hears whether a connection is ready. */
    interface Ready {
        void connected(ClientConnection connection, boolean reused);

        void failed(IOException e);
    }

    private static final OptionMap OPTIONS = OptionMap.builder()
            .set(Options.TCP_NODELAY, true)
            .set(Options.KEEP_ALIVE, true)
            .getMap();

    private final UndertowClient client = UndertowClient.getInstance();
    private final int idlePerRobot;
    private final long maxIdleNanos;
    private final ThreadLocal<Map<RobotAddress, IdleConnections>> idle = ThreadLocal.withInitial(HashMap::new);
    private final ConcurrentHashMap<RobotAddress, URI> uris = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<RobotAddress, String> authorities = new ConcurrentHashMap<>();
    private final Set<ClientConnection> open = ConcurrentHashMap.newKeySet();
    private final LongAdder opened = new LongAdder();
    private volatile boolean closed;

    UpstreamPool(int idlePerRobot, Duration maxIdle) {
        this.idlePerRobot = idlePerRobot;
        this.maxIdleNanos = maxIdle.toNanos();
    }

    /**
     * Gives a connection to {@code robot} bound to {@code thread}, which must be the calling IO
     * thread: an idle one if there is one (answered at once), else a new one.
     */
    void acquire(XnioIoThread thread, RobotAddress robot, ByteBufferPool buffers, boolean fresh, Ready ready) {
        if (!fresh) {
            IdleConnections q = idle.get().get(robot);
            ClientConnection c = q == null ? null : q.pop(System.nanoTime(), maxIdleNanos);
            if (c != null) {
                ready.connected(c, true);
                return;
            }
        }
        URI uri = uris.computeIfAbsent(robot, r -> URI.create("http://" + r.authority()));
        client.connect(new ClientCallback<>() {
            @Override
            public void completed(ClientConnection connection) {
                if (closed) {
                    IoUtils.safeClose(connection);
                    ready.failed(new IOException("relay is shutting down"));
                    return;
                }
                open.add(connection);
                opened.increment();
                connection.addCloseListener(open::remove);
                ready.connected(connection, false);
            }

            @Override
            public void failed(IOException e) {
                ready.failed(e);
            }
        }, uri, thread, buffers, OPTIONS);
    }

    /** {@code host:port} of a robot, built once: the Host header of every request to it. */
    String authority(RobotAddress robot) {
        return authorities.computeIfAbsent(robot, RobotAddress::authority);
    }

    /** Takes back a connection whose exchange finished cleanly; must be called on its IO thread. */
    void release(RobotAddress robot, ClientConnection connection) {
        if (closed || !connection.isOpen()) {
            IoUtils.safeClose(connection);
            return;
        }
        if (idlePerRobot == 0) {
            IoUtils.safeClose(connection);
            return;
        }
        idle.get().computeIfAbsent(robot, r -> new IdleConnections(idlePerRobot)).push(connection, System.nanoTime());
    }

    /** Connections opened since start: with keep-alive working, far fewer than requests. */
    long openedConnections() {
        return opened.sum();
    }

    /** Connections currently open (idle or in use), for tests and metrics. */
    int openConnections() {
        return open.size();
    }

    @Override
    public void close() {
        closed = true;
        for (ClientConnection c : open) {
            IoUtils.safeClose(c);
        }
    }
}
