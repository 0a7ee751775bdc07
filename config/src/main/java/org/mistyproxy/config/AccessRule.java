package org.mistyproxy.config;

/**
 * A rule of the configuration saying who may instantiate a deployment (the rerobots "access
 * rules"); the server adds the ones its owners make through the API.
 *
 * @param capability {@link #INSTANTIATE} or {@link #NO_INSTANTIATE}
 * @param user       a user name, or {@code "*"} for every user
 * @param source     where the rule is written, {@code file:line:column}, so a refusal can name it
 */
public record AccessRule(String capability, String user, String source) {
    public static final String INSTANTIATE = "CAP_INSTANTIATE";
    public static final String NO_INSTANTIATE = "CAP_NO_INSTANTIATE";
    public static final String EVERYONE = "*";

    public static boolean isCapability(String s) {
        return INSTANTIATE.equals(s) || NO_INSTANTIATE.equals(s);
    }
}
