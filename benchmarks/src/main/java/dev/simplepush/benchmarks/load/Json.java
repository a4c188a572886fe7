package dev.simplepush.benchmarks.load;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Results as plain maps, lists, numbers and strings, to and from JSON text. */
final class Json {

    private static final JsonFactory JSON = new JsonFactory();

    private Json() {
    }

    /** Pretty-printed JSON of a tree of maps, lists, numbers, booleans, strings and nulls. */
    static String write(Object value) {
        StringWriter out = new StringWriter();
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.useDefaultPrettyPrinter();
            write(json, value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.append('\n').toString();
    }

    private static void write(JsonGenerator json, Object value) throws IOException {
        if (value == null) {
            json.writeNull();
        } else if (value instanceof Map<?, ?> map) {
            json.writeStartObject();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                json.writeFieldName(String.valueOf(e.getKey()));
                write(json, e.getValue());
            }
            json.writeEndObject();
        } else if (value instanceof List<?> list) {
            json.writeStartArray();
            for (Object item : list) {
                write(json, item);
            }
            json.writeEndArray();
        } else if (value instanceof Double d) {
            json.writeNumber(Math.round(d * 1000) / 1000.0);
        } else if (value instanceof Number n) {
            json.writeNumber(n.longValue());
        } else if (value instanceof Boolean b) {
            json.writeBoolean(b);
        } else {
            json.writeString(value.toString());
        }
    }

    /** Reads JSON text into maps (insertion-ordered), lists, longs, doubles, booleans, strings and nulls. */
    static Object read(String text) {
        try (JsonParser json = JSON.createParser(text)) {
            json.nextToken();
            return read(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
    }

    private static Object read(JsonParser json) throws IOException {
        JsonToken token = json.currentToken();
        switch (token) {
            case START_OBJECT: {
                Map<String, Object> map = new LinkedHashMap<>();
                while (json.nextToken() == JsonToken.FIELD_NAME) {
                    String name = json.currentName();
                    json.nextToken();
                    map.put(name, read(json));
                }
                return map;
            }
            case START_ARRAY: {
                List<Object> list = new ArrayList<>();
                while (json.nextToken() != JsonToken.END_ARRAY) {
                    list.add(read(json));
                }
                return list;
            }
            case VALUE_NUMBER_INT:
                return json.getLongValue();
            case VALUE_NUMBER_FLOAT:
                return json.getDoubleValue();
            case VALUE_TRUE:
                return true;
            case VALUE_FALSE:
                return false;
            case VALUE_NULL:
                return null;
            default:
                return json.getText();
        }
    }
}
