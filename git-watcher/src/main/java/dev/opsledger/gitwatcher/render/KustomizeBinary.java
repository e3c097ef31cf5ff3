package dev.opsledger.gitwatcher.render;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The command that builds a Kustomize directory: {@code kustomize build DIR}, or {@code kubectl
 * kustomize DIR} when only kubectl is installed (it embeds Kustomize).
 *
 * @param command the command before the directory argument
 */
public record KustomizeBinary(List<String> command) {

  /** Copies the list. */
  public KustomizeBinary {
    command = List.copyOf(command);
  }

  /**
   * Looks for {@code kustomize}, then {@code kubectl}, in the directories of a {@code PATH}-like
   * list.
   *
   * @param searchPath directories separated by {@link File#pathSeparator}
   */
  public static Optional<KustomizeBinary> find(String searchPath) {
    for (String name : List.of("kustomize", "kubectl")) {
      for (Path dir : directories(searchPath)) {
        Path candidate = dir.resolve(name);
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          String sub = name.equals("kustomize") ? "build" : "kustomize";
          return Optional.of(new KustomizeBinary(List.of(candidate.toString(), sub)));
        }
      }
    }
    return Optional.empty();
  }

  /** The directories of a {@code PATH}-like list, empty entries dropped. */
  public static List<Path> directories(String searchPath) {
    List<Path> dirs = new ArrayList<>();
    if (searchPath == null) {
      return dirs;
    }
    for (String d : searchPath.split(File.pathSeparator)) {
      if (!d.isBlank()) {
        dirs.add(Path.of(d));
      }
    }
    return dirs;
  }

  @Override
  public String toString() {
    return String.join(" ", command);
  }
}
