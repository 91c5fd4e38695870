package io.hal9.migrate.checkpoints;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The elements of a JSON array as the text they are written in, character for character: a value the database
 * wrote (a jsonb document, a number with all its digits) is handed on exactly, never parsed into doubles and
 * printed again.
 */
public final class JsonArrays {
  private static final JsonFactory JSON = new JsonFactory();

  private JsonArrays() {}

  public static List<String> elements(String array) {
    try (JsonParser parser = JSON.createParser(array)) {
      if (parser.nextToken() != JsonToken.START_ARRAY) {
        throw new IllegalArgumentException("not a JSON array: " + abbreviated(array));
      }
      List<Integer> starts = new ArrayList<>();
      while (parser.nextToken() != JsonToken.END_ARRAY) {
        starts.add((int) parser.currentTokenLocation().getCharOffset());
        parser.skipChildren();
      }
      starts.add((int) parser.currentTokenLocation().getCharOffset());
      List<String> elements = new ArrayList<>(starts.size() - 1);
      for (int i = 0; i + 1 < starts.size(); i++) {
        // Between one element's start and the next one's lie the element, blanks and (but for the last) a comma.
        String text = array.substring(starts.get(i), starts.get(i + 1)).stripTrailing();
        if (i + 2 < starts.size()) {
          text = text.substring(0, text.length() - 1).stripTrailing();
        }
        elements.add(text);
      }
      return elements;
    } catch (IOException e) {
      throw new IllegalArgumentException("unreadable JSON array: " + e.getMessage() + ": " + abbreviated(array), e);
    }
  }

  private static String abbreviated(String text) {
    return text.length() <= 80 ? text : text.substring(0, 80) + "...";
  }
}
