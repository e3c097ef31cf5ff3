package dev.opsledger.events;

/**
 * Someone who did something recorded in the log: a Git author or committer, an approver.
 *
 * @param name the display name
 * @param email the e-mail address, empty when unknown
 */
public record Person(String name, String email) {

  /** Normalises {@code null} to empty strings. */
  public Person {
    name = name == null ? "" : name;
    email = email == null ? "" : email;
  }

  /**
   * Reads {@code "Name <email>"} as Git prints it; text without angle brackets is all name.
   *
   * @param text the text, possibly {@code null}
   */
  public static Person parse(String text) {
    if (text == null) {
      return new Person("", "");
    }
    int open = text.lastIndexOf('<');
    int close = text.lastIndexOf('>');
    if (open >= 0 && close > open) {
      return new Person(text.substring(0, open).trim(), text.substring(open + 1, close).trim());
    }
    return new Person(text.trim(), "");
  }

  @Override
  public String toString() {
    return email.isEmpty() ? name : name + " <" + email + ">";
  }
}
