package dev.opsledger.testkit.kube;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The key material of one API server, made fresh at every start as envtest does: a CA, a serving
 * certificate it signs for {@code 127.0.0.1} and {@code localhost}, and the key pair that signs
 * service-account tokens. Nothing is reused between runs, so nothing secret is ever committed.
 */
final class Certificates {

  private static final Duration VALIDITY = Duration.ofDays(7);
  private static final SecureRandom RANDOM = new SecureRandom();

  final Path caCert;
  final Path servingCert;
  final Path servingKey;
  final Path serviceAccountPublicKey;
  final Path serviceAccountPrivateKey;

  private Certificates(Path dir) {
    this.caCert = dir.resolve("ca.crt");
    this.servingCert = dir.resolve("apiserver.crt");
    this.servingKey = dir.resolve("apiserver.key");
    this.serviceAccountPublicKey = dir.resolve("sa.pub");
    this.serviceAccountPrivateKey = dir.resolve("sa.key");
  }

  /** Generates everything into {@code dir}. */
  static Certificates generate(Path dir) {
    Certificates c = new Certificates(dir);
    try {
      KeyPair ca = rsa();
      X500Name caName = new X500Name("CN=opsledger-test-ca");
      X509Certificate caCert = sign(caName, ca, caName, ca, true);
      KeyPair serving = rsa();
      X509Certificate servingCert =
          sign(new X500Name("CN=kube-apiserver"), serving, caName, ca, false);
      write(c.caCert, caCert);
      write(c.servingCert, servingCert);
      write(c.servingKey, serving.getPrivate());
      KeyPair sa = rsa();
      write(c.serviceAccountPublicKey, sa.getPublic());
      write(c.serviceAccountPrivateKey, sa.getPrivate());
      return c;
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot generate the API server's certificates", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the API server's certificates to " + dir, e);
    }
  }

  private static KeyPair rsa() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048, RANDOM);
    return generator.generateKeyPair();
  }

  private static X509Certificate sign(
      X500Name subject, KeyPair subjectKeys, X500Name issuer, KeyPair issuerKeys, boolean ca)
      throws GeneralSecurityException, OperatorCreationException, IOException {
    Instant now = Instant.now();
    X509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            issuer,
            new BigInteger(64, RANDOM),
            Date.from(now.minus(Duration.ofHours(1))),
            Date.from(now.plus(VALIDITY)),
            subject,
            subjectKeys.getPublic());
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
    if (ca) {
      builder.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    } else {
      builder.addExtension(
          Extension.keyUsage,
          true,
          new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      builder.addExtension(
          Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      builder.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(
              new GeneralName[] {
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.dNSName, "kubernetes"),
                new GeneralName(GeneralName.dNSName, "kubernetes.default"),
                new GeneralName(GeneralName.dNSName, "kubernetes.default.svc")
              }));
    }
    var signer = new JcaContentSignerBuilder("SHA256withRSA").build(issuerKeys.getPrivate());
    return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
  }

  private static void write(Path file, Object pemObject) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter pem = new JcaPEMWriter(out)) {
      // A private key is written as PKCS#8 ("PRIVATE KEY"), which kube-apiserver reads.
      pemObject =
          pemObject instanceof java.security.PrivateKey key
              ? new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(key, null).generate()
              : pemObject;
      pem.writeObject(pemObject);
    }
    Files.writeString(file, out.toString());
  }
}
