package org.mistyproxy.proxy.gate;

import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import java.util.AbstractMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The request headers as the policy wants them (lower-case names to values) without copying:
 * Undertow's header map already looks names up case-insensitively, and its value lists are
 * {@code List<String>}. Only iterating builds entries.
 */
final class RequestHeaderView extends AbstractMap<String, List<String>> {
    private final HeaderMap headers;

    RequestHeaderView(HeaderMap headers) {
        this.headers = headers;
    }

    @Override
    public List<String> get(Object key) {
        return key instanceof String s ? headers.get(s) : null;
    }

    @Override
    public boolean containsKey(Object key) {
        return key instanceof String s && headers.contains(s);
    }

    @Override
    public int size() {
        return headers.size();
    }

    @Override
    public Set<Entry<String, List<String>>> entrySet() {
        Set<Entry<String, List<String>>> entries = new LinkedHashSet<>();
        for (HeaderValues v : headers) {
            entries.add(new SimpleImmutableEntry<>(v.getHeaderName().toString().toLowerCase(Locale.ROOT), v));
        }
        return entries;
    }
}
