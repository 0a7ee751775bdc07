package org.mistyproxy.proxy;

/** Placeholder entry point until the CLI lands (issue 2). */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.err.println("mistyproxy: CLI not built yet");
        System.exit(2);
    }
}
