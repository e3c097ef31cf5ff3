package dev.opsledger.gitwatcher.support;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.zip.GZIPInputStream;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.startup.Tomcat;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.PacketLineOut;
import org.eclipse.jgit.transport.RefAdvertiser;
import org.eclipse.jgit.transport.UploadPack;

/**
 * Git's smart HTTP protocol (fetch side) on loopback, in an embedded Tomcat, behind HTTP basic
 * authentication: {@code GET info/refs?service=git-upload-pack} and {@code POST git-upload-pack}
 * served by JGit's {@link UploadPack}.
 *
 * <p>Why not JGit's {@code GitServlet}: {@code org.eclipse.jgit.http.server} of the JGit release
 * the project uses is not published on Maven Central, so the two endpoints the client needs are
 * served here with the same core classes that servlet uses.
 */
public final class SmartHttpGitServer implements AutoCloseable {

  private final Tomcat tomcat;
  private final int port;

  /**
   * Serves a bare repository as {@code /repo.git}.
   *
   * @param bareRepo the repository
   * @param user the accepted user name
   * @param password the accepted password or token
   */
  public SmartHttpGitServer(Path bareRepo, String user, String password) throws Exception {
    Path base = Files.createTempDirectory("git-http");
    tomcat = new Tomcat();
    tomcat.setBaseDir(base.toString());
    tomcat.setPort(0);
    tomcat.getConnector().setProperty("address", "127.0.0.1");
    Context ctx = tomcat.addContext("", base.toString());
    Tomcat.addServlet(ctx, "git", new UploadPackServlet(bareRepo, user, password));
    ctx.addServletMappingDecoded("/*", "git");
    tomcat.start();
    port = tomcat.getConnector().getLocalPort();
  }

  /** The repository's URL. */
  public String url() {
    return "http://127.0.0.1:" + port + "/repo.git";
  }

  @Override
  public void close() throws LifecycleException {
    tomcat.stop();
    tomcat.destroy();
  }

  private static final class UploadPackServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private final transient Path repoDir;
    private final byte[] expected;

    UploadPackServlet(Path repoDir, String user, String password) {
      this.repoDir = repoDir;
      this.expected =
          ("Basic "
                  + Base64.getEncoder()
                      .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)))
              .getBytes(StandardCharsets.UTF_8);
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      if (!authorized(req, resp)) {
        return;
      }
      if (!req.getRequestURI().endsWith("/info/refs")
          || !"git-upload-pack".equals(req.getParameter("service"))) {
        resp.sendError(404);
        return;
      }
      resp.setContentType("application/x-git-upload-pack-advertisement");
      resp.setHeader("Cache-Control", "no-cache");
      PacketLineOut pck = new PacketLineOut(resp.getOutputStream());
      pck.writeString("# service=git-upload-pack\n");
      pck.end();
      try (Repository repo = open()) {
        UploadPack up = new UploadPack(repo);
        up.setBiDirectionalPipe(false);
        up.sendAdvertisedRefs(new RefAdvertiser.PacketLineOutRefAdvertiser(pck));
      }
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      if (!authorized(req, resp)) {
        return;
      }
      if (!req.getRequestURI().endsWith("/git-upload-pack")) {
        resp.sendError(404);
        return;
      }
      resp.setContentType("application/x-git-upload-pack-result");
      InputStream in = req.getInputStream();
      if ("gzip".equals(req.getHeader("Content-Encoding"))) {
        in = new GZIPInputStream(in);
      }
      try (Repository repo = open()) {
        UploadPack up = new UploadPack(repo);
        up.setBiDirectionalPipe(false);
        up.upload(in, resp.getOutputStream(), null);
      }
    }

    private boolean authorized(HttpServletRequest req, HttpServletResponse resp)
        throws IOException {
      String given = req.getHeader("Authorization");
      if (given != null
          && MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8))) {
        return true;
      }
      resp.setHeader("WWW-Authenticate", "Basic realm=\"git\"");
      resp.sendError(401);
      return false;
    }

    private Repository open() throws IOException {
      return new FileRepositoryBuilder().setGitDir(repoDir.toFile()).setMustExist(true).build();
    }
  }
}
