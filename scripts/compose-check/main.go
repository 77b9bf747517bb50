// Command compose-check loads a Compose file with compose-spec/compose-go, the loader that
// `docker compose` itself is built on, and prints what the e2e test needs as JSON. No Docker
// engine is involved: it parses, interpolates ${VAR:-default} from the process environment
// (and a .env file next to the Compose file, as docker compose does), normalises, resolves
// relative paths and runs compose-go's consistency checks. Any error exits non-zero.
//
// Usage, from the repository root (the Go module is this directory, and the root has no go.mod,
// so `go run ./scripts/compose-check` would fail with "go.mod file not found"):
//
//	go -C scripts/compose-check run .                          # finds ../../docker-compose.yml
//	go -C scripts/compose-check run . "$PWD/docker-compose.yml"
//
// Without an argument it loads the first docker-compose.yml in the working directory or one of
// its parents. A relative argument is relative to the working directory, which `go -C` changes
// to scripts/compose-check: pass an absolute path there.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
)

// Mount is one entry of a service's `volumes:`.
type Mount struct {
	Type     string `json:"type"`
	Source   string `json:"source"` // absolute host path for binds, the volume name otherwise
	Target   string `json:"target"`
	ReadOnly bool   `json:"readOnly"`
}

// Healthcheck is a service's health check as compose-go resolved it.
type Healthcheck struct {
	Test     []string `json:"test"`
	Disabled bool     `json:"disabled"`
}

// Build is a service's build section.
type Build struct {
	Context    string `json:"context"`
	Dockerfile string `json:"dockerfile"`
}

// Service is what the test checks about one service.
type Service struct {
	Image       string             `json:"image"`
	Build       *Build             `json:"build"`
	Command     []string           `json:"command"`
	Entrypoint  []string           `json:"entrypoint"`
	Environment map[string]*string `json:"environment"`
	BindMounts  []Mount            `json:"bindMounts"`
	Mounts      []Mount            `json:"mounts"`
	Ports       []string           `json:"ports"`
	Healthcheck *Healthcheck       `json:"healthcheck"`
	// depends_on: service name -> condition (service_started, service_healthy, ...)
	DependsOn map[string]string `json:"dependsOn"`
	// x-* keys of the service, e.g. x-healthcheck-exception
	Extensions map[string]any `json:"extensions"`
}

// Output is the whole report.
type Output struct {
	Name         string             `json:"name"`
	ComposeFiles []string           `json:"composeFiles"`
	WorkingDir   string             `json:"workingDir"`
	Services     map[string]Service `json:"services"`
	Volumes      []string           `json:"volumes"`
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintf(os.Stderr, "compose-check: %v\n", err)
		os.Exit(1)
	}
}

func run() error {
	file, err := composeFile(os.Args[1:])
	if err != nil {
		return err
	}
	options, err := cli.NewProjectOptions(
		[]string{file},
		cli.WithWorkingDirectory(filepath.Dir(file)),
		cli.WithOsEnv,
		cli.WithDotEnv,
		cli.WithInterpolation(true),
		cli.WithNormalization(true),
		cli.WithResolvedPaths(true),
		cli.WithConsistency(true),
	)
	if err != nil {
		return fmt.Errorf("options: %w", err)
	}
	project, err := options.LoadProject(context.Background())
	if err != nil {
		return fmt.Errorf("loading %s: %w", file, err)
	}
	if len(project.Services) == 0 {
		return fmt.Errorf("%s defines no services", file)
	}

	out := Output{
		Name:         project.Name,
		ComposeFiles: project.ComposeFiles,
		WorkingDir:   project.WorkingDir,
		Services:     map[string]Service{},
		Volumes:      []string{},
	}
	for name := range project.Volumes {
		out.Volumes = append(out.Volumes, name)
	}
	sort.Strings(out.Volumes)

	for name, svc := range project.Services {
		s := Service{
			Image:       svc.Image,
			Command:     nonNil(svc.Command),
			Entrypoint:  nonNil(svc.Entrypoint),
			Environment: map[string]*string(svc.Environment),
			BindMounts:  []Mount{},
			Mounts:      []Mount{},
			Ports:       []string{},
			DependsOn:   map[string]string{},
			Extensions:  map[string]any{},
		}
		if s.Environment == nil {
			s.Environment = map[string]*string{}
		}
		if svc.Build != nil {
			s.Build = &Build{Context: svc.Build.Context, Dockerfile: svc.Build.Dockerfile}
		}
		for _, v := range svc.Volumes {
			m := Mount{Type: v.Type, Source: v.Source, Target: v.Target, ReadOnly: v.ReadOnly}
			if v.Type == types.VolumeTypeBind {
				if !filepath.IsAbs(v.Source) {
					return fmt.Errorf("service %s: bind source %q was not resolved to an absolute path", name, v.Source)
				}
				s.BindMounts = append(s.BindMounts, m)
			}
			s.Mounts = append(s.Mounts, m)
		}
		for _, p := range svc.Ports {
			s.Ports = append(s.Ports, fmt.Sprintf("%s:%s->%d/%s", p.HostIP, p.Published, p.Target, p.Protocol))
		}
		if svc.HealthCheck != nil {
			s.Healthcheck = &Healthcheck{Test: nonNil(svc.HealthCheck.Test), Disabled: svc.HealthCheck.Disable}
		}
		for dep, cfg := range svc.DependsOn {
			s.DependsOn[dep] = cfg.Condition
		}
		for key, value := range svc.Extensions {
			s.Extensions[key] = value
		}
		out.Services[name] = s
	}

	encoder := json.NewEncoder(os.Stdout)
	encoder.SetIndent("", "  ")
	return encoder.Encode(out)
}

// composeFile returns the absolute path of the Compose file to load.
func composeFile(args []string) (string, error) {
	base, err := os.Getwd()
	if err != nil {
		return "", err
	}
	if len(args) > 1 {
		return "", errors.New("usage: compose-check [docker-compose.yml]")
	}
	if len(args) == 1 {
		path := args[0]
		if !filepath.IsAbs(path) {
			path = filepath.Join(base, path)
		}
		if _, err := os.Stat(path); err != nil {
			return "", err
		}
		return path, nil
	}
	for dir := base; ; dir = filepath.Dir(dir) {
		candidate := filepath.Join(dir, "docker-compose.yml")
		if _, err := os.Stat(candidate); err == nil {
			return candidate, nil
		}
		if filepath.Dir(dir) == dir {
			return "", fmt.Errorf("no docker-compose.yml in %s or any parent directory", base)
		}
	}
}

func nonNil(list []string) []string {
	if list == nil {
		return []string{}
	}
	return list
}
