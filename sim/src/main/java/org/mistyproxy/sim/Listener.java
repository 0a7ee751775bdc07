package org.mistyproxy.sim;

import io.undertow.UndertowOptions;
import io.undertow.connector.ByteBufferPool;
import io.undertow.server.DefaultByteBufferPool;
import io.undertow.server.HttpHandler;
import io.undertow.server.protocol.http.HttpOpenListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.xnio.ChannelListener;
import org.xnio.ChannelListeners;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.StreamConnection;
import org.xnio.Xnio;
import org.xnio.XnioWorker;
import org.xnio.channels.AcceptingChannel;

/**
 * The listening socket, built on XNIO directly rather than {@code Undertow.builder()} because the
 * "refuse connections" fault must really close the listening socket (a suspended accept still lets
 * the kernel complete handshakes) and later bind the same port again. It also remembers open
 * connections so that refusing can cut them too, as a robot that drops off the network would.
 */
final class Listener implements AutoCloseable {
    private final XnioWorker worker;
    private final HttpOpenListener openListener;
    private final Set<StreamConnection> connections = ConcurrentHashMap.newKeySet();
    private final String host;
    private AcceptingChannel<StreamConnection> server;
    private int port;

    /** Creating the worker loads XNIO (a few hundred ms cold); the simulator does it in parallel with its JSON loading. */
    static XnioWorker newWorker() {
        try {
            return Xnio.getInstance(Listener.class.getClassLoader()).createWorker(OptionMap.builder()
                    .set(Options.WORKER_IO_THREADS, 2)
                    .set(Options.WORKER_TASK_CORE_THREADS, 8)
                    .set(Options.WORKER_TASK_MAX_THREADS, 64)
                    .set(Options.WORKER_NAME, "misty-sim")
                    .set(Options.TCP_NODELAY, true)
                    .getMap());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the simulator's I/O threads", e);
        }
    }

    Listener(String host, int port, HttpHandler root, XnioWorker worker) {
        this.host = host;
        this.worker = worker;
        ByteBufferPool buffers = new DefaultByteBufferPool(true, 16 * 1024, -1, 4);
        // Nothing in the URL is decoded or normalised: the request log must show the raw bytes.
        openListener = new HttpOpenListener(buffers, OptionMap.builder()
                .set(UndertowOptions.DECODE_URL, false)
                .set(UndertowOptions.ALLOW_UNESCAPED_CHARACTERS_IN_URL, true)
                .set(UndertowOptions.ALWAYS_SET_KEEP_ALIVE, false)
                .set(UndertowOptions.MAX_HEADER_SIZE, 1024 * 1024)
                // Uploads stream to disk; the robot's own limits are not enforced here (a proxy
                // test needs to see what a too-large body does upstream).
                .set(UndertowOptions.MAX_ENTITY_SIZE, 1L << 32)
                .getMap());
        openListener.setRootHandler(root);
        this.port = port;
        open();
    }

    synchronized void open() {
        if (server != null) {
            return;
        }
        ChannelListener<StreamConnection> tracking = connection -> {
            connections.removeIf(c -> !c.isOpen());
            connections.add(connection);
            openListener.handleEvent(connection);
        };
        try {
            server = worker.createStreamConnectionServer(new InetSocketAddress(host, port),
                    ChannelListeners.openListenerAdapter(tracking), OptionMap.builder()
                            .set(Options.REUSE_ADDRESSES, true)
                            .set(Options.TCP_NODELAY, true)
                            .set(Options.BACKLOG, 1000)
                            .getMap());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        port = ((InetSocketAddress) server.getLocalAddress()).getPort();
        server.resumeAccepts();
    }

    /** Stops listening and cuts every open connection; connecting now fails with "refused". */
    synchronized void refuse() {
        if (server != null) {
            IoUtils.safeClose(server);
            server = null;
            awaitRefused();
        }
        connections.forEach(IoUtils::safeClose);
        connections.clear();
    }

    /**
     * NIO closes a listening socket that is registered with a selector only when the IO thread next
     * deregisters it, so on a busy machine the kernel can still complete handshakes for a moment
     * after {@code close()}. Wait (up to 2 s) until a connection attempt is really refused, so that
     * "refuse connections" means refused from the moment it returns.
     */
    private void awaitRefused() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (System.nanoTime() < deadline) {
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress(host, port), 200);
            } catch (IOException refused) {
                return;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
    }

    synchronized boolean accepting() {
        return server != null;
    }

    int port() {
        return port;
    }

    XnioWorker worker() {
        return worker;
    }

    @Override
    public void close() {
        refuse();
        worker.shutdownNow();
    }
}
