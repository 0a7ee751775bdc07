/**
 * The {@code /pubsub} WebSocket relay. Start reading at {@link org.mistyproxy.proxy.ws.PubSubRelay}
 * (upgrade checks, dialling the robot before the client's handshake, revocation), then
 * {@code PubSubConnection} (one client socket paired with one robot socket: policy on client
 * messages, close codes both ways, keep-alive, slow-client check) and {@code ClientQueue} (the
 * bounded queue toward the client that drops periodic events oldest-first).
 *
 * <p>Threads: Undertow IO threads deliver client frames and run the policy check; Tyrus (Grizzly)
 * threads deliver robot frames, which only append to the client's queue, so a slow client never
 * blocks the robot side; one timer thread does keep-alive pings and the stall check, and every
 * 25 ms watches the sockets of instances whose motion is leased (a ping after 100 ms of quiet; no
 * answer for 350 ms and the robot is stopped, the socket closed: a half-open connection sends no
 * FIN); closing the Tyrus side runs on the XNIO worker because it may block briefly.
 *
 * <p>Fragmented messages are reassembled before they are judged or queued (RFC 6455 §5.4 lets an
 * intermediary change fragmentation): the policy needs whole messages and dropping must be
 * per message. Client pings are forwarded to the robot and the robot's pongs come back, so a
 * client's ping proves the whole path; the relay's own keep-alive pings carry the payload
 * {@code mistyproxy-keepalive} and their pongs are not relayed.
 */
package org.mistyproxy.proxy.ws;
