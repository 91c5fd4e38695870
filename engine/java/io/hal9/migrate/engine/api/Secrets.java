package io.hal9.migrate.engine.api;

import java.util.regex.Pattern;

/** Keeps passwords out of anything printed or logged. */
public final class Secrets {
  private static final Pattern URL_PASSWORD = Pattern.compile("(?i)(password=)(?!\\*\\*\\*)[^&;\\s]*");
  private static final Pattern URL_USERINFO = Pattern.compile("(//[^/:@]+:)[^@/]*@");

  private Secrets() {}

  /** The text with URL passwords and the given secret replaced by ***. */
  public static String redact(String text, String secret) {
    if (text == null) {
      return null;
    }
    String redacted = URL_USERINFO.matcher(URL_PASSWORD.matcher(text).replaceAll("$1***")).replaceAll("$1***@");
    if (secret != null && !secret.isEmpty()) {
      redacted = redacted.replace(secret, "***");
    }
    return redacted;
  }
}
