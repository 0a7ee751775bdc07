package org.mistyproxy.proxy.ws;

import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Session;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import org.glassfish.tyrus.client.ClientManager;
import org.glassfish.tyrus.client.ClientProperties;
import org.mistyproxy.config.RobotAddress;

/** Opens robot-side {@code /pubsub} sockets with Tyrus, one per client socket. */
final class RobotDialer {
    private final ClientManager client;

    RobotDialer(Duration connectTimeout) {
        client = ClientManager.createClient();
        // One Grizzly transport for all robot sockets, not a transport (and threads) per socket.
        client.getProperties().put(ClientProperties.SHARED_CONTAINER, true);
        client.getProperties().put(ClientProperties.HANDSHAKE_TIMEOUT, connectTimeout.toMillis());
    }

    static URI pubsubUri(RobotAddress robot) {
        try {
            return new URI("ws", null, robot.host(), robot.port(), "/pubsub", null, null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("robot address " + robot + " makes no WebSocket URI", e);
        }
    }

    /** Blocks until the robot's handshake is done or failed; call off the IO threads. */
    Session dial(URI uri, RobotEndpoint endpoint) throws DeploymentException, IOException {
        return client.connectToServer(endpoint, ClientEndpointConfig.Builder.create().build(), uri);
    }
}
