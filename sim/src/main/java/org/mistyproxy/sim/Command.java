package org.mistyproxy.sim;

import java.io.IOException;

/** The behaviour of one REST command. */
@FunctionalInterface
interface Command {
    Reply run(Call call) throws IOException;
}
