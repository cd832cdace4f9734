package io.syncroutes.unavailabilities;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The cursor-paged lists one step of a run reads, one after the other (the page loop of
 * {@code unavailabilities-read}): each list's first page is asked for with its filters, the next ones with
 * {@code cursor=} alone, until a page has no {@code next_cursor}.
 */
final class PagedReads {

    /** One list: its environment, path and filters. */
    record Source(String environment, String path, Map<String, String> filters) {
    }

    private final List<Source> sources;
    private final List<List<JsonNode>> items = new ArrayList<>();
    private int current;
    private String cursor;

    PagedReads(List<Source> sources) {
        this.sources = List.copyOf(sources);
        sources.forEach(source -> items.add(new ArrayList<>()));
    }

    boolean hasNextPage() {
        return current < sources.size();
    }

    /** The request of the next page. */
    QargoCall nextPage() {
        Source source = sources.get(current);
        String query = cursor == null ? encode(source.filters()) : encode(Map.of("cursor", cursor));
        return new QargoCall(source.environment(), "GET", source.path(), query, null);
    }

    /** Takes one page's {@code items}; its {@code next_cursor} (if any) is the next page of the same list. */
    void page(JsonNode page) {
        page.path("items").forEach(items.get(current)::add);
        JsonNode next = page.path("next_cursor");
        cursor = next.isTextual() && !next.asText().isEmpty() ? next.asText() : null;
        if (cursor == null) {
            current++;
        }
    }

    /** Every item of list {@code index}, in the order the sources were given. */
    List<JsonNode> items(int index) {
        return items.get(index);
    }

    private static String encode(Map<String, String> query) {
        return query.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}
