package org.mistyproxy.config;

/** The address the server listens on. */
public record Listen(String host, int port) {}
