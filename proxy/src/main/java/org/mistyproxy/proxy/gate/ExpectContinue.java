package org.mistyproxy.proxy.gate;

import io.undertow.io.IoCallback;
import io.undertow.io.Sender;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.protocol.http.HttpContinue;
import io.undertow.util.SameThreadExecutor;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * {@code Expect: 100-continue}, answered by the proxy (the robot never sees it) just before a
 * body is read: by the policy gate, or by the relay streaming an upload the policy let through.
 */
public final class ExpectContinue {
    private ExpectContinue() {}

    /** Runs {@code next} (on the exchange's IO thread) once the client was told to continue; {@code failed} if it cannot be. */
    public static void then(HttpServerExchange exchange, Runnable next, Consumer<IOException> failed) {
        if (!HttpContinue.requiresContinueResponse(exchange)) {
            next.run();
            return;
        }
        HttpContinue.sendContinueResponse(exchange, new IoCallback() {
            @Override
            public void onComplete(HttpServerExchange ex, Sender sender) {
                ex.dispatch(SameThreadExecutor.INSTANCE, next);
            }

            @Override
            public void onException(HttpServerExchange ex, Sender sender, IOException e) {
                failed.accept(e);
            }
        });
    }
}
