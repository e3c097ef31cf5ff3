package dev.opsledger.service;

import java.io.IOException;
import java.util.List;
import java.util.Properties;
import org.springframework.core.env.PropertiesPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.support.EncodedResource;
import org.springframework.core.io.support.PropertiesLoaderUtils;
import org.springframework.core.io.support.PropertySourceFactory;

/**
 * A service's own defaults: its properties file plus the binding properties and the function
 * definition derived from its {@link StreamFunction}s, so no function name is written twice. A
 * service names a subclass as the {@code factory} of the {@code @PropertySource} on its
 * configuration class: the defaults then come and go with the configuration, alone or next to the
 * other services under {@code opsledger up} (whose launcher sets the joint definition).
 */
public abstract class StreamBindingsPropertySource implements PropertySourceFactory {

  private final List<StreamFunction> functions;

  /** The defaults of a service with these functions. */
  protected StreamBindingsPropertySource(List<StreamFunction> functions) {
    this.functions = List.copyOf(functions);
  }

  @Override
  public PropertySource<?> createPropertySource(String name, EncodedResource resource)
      throws IOException {
    Properties p = PropertiesLoaderUtils.loadProperties(resource);
    p.setProperty("spring.cloud.function.definition", StreamFunction.definition(functions));
    functions.forEach(f -> f.properties().forEach(p::setProperty));
    String sourceName = name != null ? name : resource.getResource().getDescription();
    return new PropertiesPropertySource(sourceName, p);
  }
}
