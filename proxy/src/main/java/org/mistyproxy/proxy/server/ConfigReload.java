package org.mistyproxy.proxy.server;

import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.mistyproxy.config.ConfigError;
import org.mistyproxy.config.ConfigException;
import org.mistyproxy.config.ConfigLoader;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.config.MistyProxyConfig;
import org.mistyproxy.proxy.access.CurrentConfig;
import org.mistyproxy.proxy.access.LiveConfig;
import org.mistyproxy.proxy.control.ConfigReloader;
import org.mistyproxy.proxy.control.ReloadOutcome;
import org.mistyproxy.proxy.instances.Instances;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live reload ({@code SIGHUP}, {@code POST /reload}, {@code mistyproxy reload}): re-reads the
 * server's configuration file, builds and validates a whole new {@link LiveConfig} (config checked
 * strictly, every policy compiled), and only then swaps it in. A file with any error is refused
 * whole: the errors are logged as {@code file:line:column path: problem} and returned, and the
 * running configuration stays.
 *
 * <p>After the swap, in this order: the instances registry re-registers live proxy tokens (the next
 * request of a proxy URL uses the new deployment entry and policy; open {@code /pubsub} sockets read
 * the policy in force per message) and terminates the live instances of removed deployments (their
 * URLs, sockets and feeds end with them); the camera data plane puts the new cameras in force; then
 * the parts that registered with {@link #onApplied} (e.g. health probes) follow.
 *
 * <p>What needs a restart, and is said so in the answer and the log ({@code restart_needed}): the
 * listener ({@code listen}, {@code tls}: the socket is bound once), the
 * {@code public_base_url} (it is inside every URL already handed out), the {@code data_dir} (the
 * journal is open there), and any other top-level setting (see {@link #needRestart}).
 */
public final class ConfigReload implements ConfigReloader {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigReload.class);
    static final String REMOVED = "deployment removed from the configuration";
    /** The top-level components a reload puts in force ({@code source} is the file itself). */
    private static final Set<String> APPLIED = Set.of("source", "users", "deployments");

    private final Path source;
    private final MistyProxyConfig started;
    private final CurrentConfig current;
    private final Instances instances;
    private final List<Consumer<LiveConfig>> parts = new CopyOnWriteArrayList<>();

    ConfigReload(MistyProxyConfig started, CurrentConfig current, Instances instances) {
        this.source = started.source();
        this.started = started;
        this.current = current;
        this.instances = instances;
    }

    /** {@code part} is told each configuration put in force by a reload, after the registry and cameras. */
    public void onApplied(Consumer<LiveConfig> part) {
        parts.add(part);
    }

    /** One reload at a time: a second request waits for the first to finish. */
    @Override
    public synchronized ReloadOutcome reload(String requestedBy) {
        LiveConfig next;
        try {
            next = LiveConfig.of(ConfigLoader.load(source), current.get().users().revoked());
        } catch (ConfigException e) {
            return refused(requestedBy, e.errors().stream().map(ConfigError::toString).toList());
        } catch (LiveConfig.PolicyProblems e) {
            return refused(requestedBy, e.problems());
        } catch (RuntimeException e) {
            return refused(requestedBy, List.of(source + ": cannot be read: " + e.getMessage()));
        }
        LiveConfig old = current.swap(next);
        List<String> terminated = instances.reconfigured(old, REMOVED);
        for (Consumer<LiveConfig> p : parts) {
            try {
                p.accept(next);
            } catch (RuntimeException e) {
                LOG.error("event=reload_part_failed part={} error={}", p.getClass().getSimpleName(), e.toString());
            }
        }
        ReloadOutcome o = new ReloadOutcome(true, List.of(), ids(next, old), ids(old, next), changed(old, next),
                next.config().users().size(), terminated, needRestart(next.config()));
        LOG.info("event=config_reloaded by=\"{}\" file={} deployments={} added={} removed={} changed={} users={} terminated={} restart_needed={}",
                requestedBy, source, next.deployments().size(), o.added(), o.removed(), o.changed(), o.users(),
                o.terminated(), o.needRestart());
        return o;
    }

    private ReloadOutcome refused(String requestedBy, List<String> errors) {
        LOG.error("event=config_reload_refused by=\"{}\" file={} errors={}", requestedBy, source, errors.size());
        for (String e : errors) LOG.error("event=config_error {}", e);
        return ReloadOutcome.refused(errors);
    }

    /** Deployment ids in {@code a} but not in {@code b}. */
    private static List<String> ids(LiveConfig a, LiveConfig b) {
        List<String> out = new ArrayList<>();
        for (UUID id : a.deployments().keySet()) if (!b.deployments().containsKey(id)) out.add(id.toString());
        return out;
    }

    /** Deployments whose entry in the file changed (policy files are re-read on every reload regardless). */
    private static List<String> changed(LiveConfig old, LiveConfig next) {
        List<String> out = new ArrayList<>();
        for (Deployment d : next.deploymentList()) {
            Deployment was = old.deployments().get(d.id());
            if (was != null && !was.equals(d)) out.add(d.id().toString());
        }
        return out;
    }

    /**
     * The top-level settings whose value in the file differs from the one the server started with.
     * Every component of {@link MistyProxyConfig} but the ones a reload applies ({@link #APPLIED}) is
     * compared, so a top-level setting added later is reported as needing a restart rather than
     * silently ignored until someone teaches the reload to apply it.
     */
    private List<String> needRestart(MistyProxyConfig file) {
        List<String> out = new ArrayList<>();
        for (RecordComponent c : MistyProxyConfig.class.getRecordComponents()) {
            if (APPLIED.contains(c.getName())) continue;
            try {
                Method get = c.getAccessor();
                if (!Objects.equals(get.invoke(file), get.invoke(started))) out.add(snakeCase(c.getName()));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("a record accessor of MistyProxyConfig failed", e);
            }
        }
        return out;
    }

    /** {@code publicBaseUrl} → {@code public_base_url}, as the file spells it. */
    static String snakeCase(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }
}
