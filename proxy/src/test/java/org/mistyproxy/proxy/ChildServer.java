package org.mistyproxy.proxy;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.config.RobotAddress;
import org.mistyproxy.proxy.server.ProxyServer;

/** A server in its own JVM, so that a test can {@code kill -9} it. Args: data dir, robot port, deployment id. */
public final class ChildServer {
    private ChildServer() {}

    public static void main(String[] args) throws Exception {
        Deployment d = new Deployment(UUID.fromString(args[2]), "fixed_misty2", "lab", "child", new RobotAddress("127.0.0.1", Integer.parseInt(args[1])),
                Optional.empty(), List.of("*"), List.of(Rig.synthetic("front")));
        ProxyServer server = ProxyServer.start(Rig.config(Path.of(args[0]), List.of(d)), Rig.fast());
        System.out.println("LISTENING " + server.publicBaseUrl());
        System.out.flush();
        Thread.currentThread().join();
    }
}
