module offt/collector-components/goffevent

go 1.26.6

require (
	github.com/stretchr/testify v1.12.0
	github.com/thomaspoignant/go-feature-flag v1.55.2
	go.opentelemetry.io/collector/pdata v1.58.0
)

require (
	github.com/blang/semver v3.5.1+incompatible // indirect
	github.com/google/uuid v1.6.0 // indirect
	github.com/hashicorp/go-version v1.9.0 // indirect
	github.com/json-iterator/go v1.1.12 // indirect
	github.com/kr/text v0.2.0 // indirect
	github.com/modern-go/concurrent v0.0.0-20180306012644-bacd9c7ef1dd // indirect
	github.com/modern-go/reflect2 v1.0.3-0.20250322232337-35a7c28c31ee // indirect
	github.com/thomaspoignant/go-feature-flag/modules/core v0.7.2 // indirect
	go.opentelemetry.io/collector/featuregate v1.58.0 // indirect
	go.uber.org/multierr v1.11.0 // indirect
	gopkg.in/yaml.v3 v3.0.1 // indirect
)
