package cache

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"
)

func env(vars map[string]string) func(string) string {
	return func(name string) string { return vars[name] }
}

func TestDir(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the expected defaults are those of Linux")
	}
	home := t.TempDir()
	xdg := filepath.Join(home, "xdg")
	cwd, err := os.Getwd()
	require.NoError(t, err)
	cases := []struct {
		name    string
		env     map[string]string
		want    string
		wantErr string
	}{
		{name: "HOME only", env: map[string]string{"HOME": home},
			want: filepath.Join(home, ".cache", "modelbrowser")},
		{name: "XDG_CACHE_HOME", env: map[string]string{"HOME": home, "XDG_CACHE_HOME": xdg},
			want: filepath.Join(xdg, "modelbrowser")},
		{name: "override wins", env: map[string]string{"HOME": home, "XDG_CACHE_HOME": xdg, EnvCacheDir: "/srv/mb//cache/"},
			want: "/srv/mb/cache"},
		{name: "relative override made absolute", env: map[string]string{EnvCacheDir: "rel/dir"},
			want: filepath.Join(cwd, "rel", "dir")},
		{name: "override needs no HOME", env: map[string]string{EnvCacheDir: "/x"}, want: "/x"},
		{name: "nothing known", env: map[string]string{}, wantErr: EnvCacheDir},
		{name: "relative XDG_CACHE_HOME", env: map[string]string{"HOME": home, "XDG_CACHE_HOME": "rel"}, wantErr: "relative"},

		{name: "inside HF_HOME/hub", env: map[string]string{"HOME": home, "HF_HOME": "/data/hf", EnvCacheDir: "/data/hf/hub/mb"},
			wantErr: "huggingface_hub"},
		{name: "is HF_HOME/hub", env: map[string]string{"HOME": home, "HF_HOME": "/data/hf", EnvCacheDir: "/data/hf/hub/"},
			wantErr: "huggingface_hub"},
		{name: "inside HF_HUB_CACHE", env: map[string]string{"HOME": home, "HF_HUB_CACHE": "/models", EnvCacheDir: "/models/x"},
			wantErr: "huggingface_hub"},
		{name: "inside HUGGINGFACE_HUB_CACHE", env: map[string]string{"HOME": home, "HUGGINGFACE_HUB_CACHE": "/models", EnvCacheDir: "/models/x"},
			wantErr: "huggingface_hub"},
		{name: "inside default hub via XDG", env: map[string]string{"HOME": home, "XDG_CACHE_HOME": xdg, EnvCacheDir: xdg + "/huggingface/hub/models--org--name"},
			wantErr: "huggingface_hub"},
		{name: "inside default hub via HOME", env: map[string]string{"HOME": home, EnvCacheDir: home + "/.cache/huggingface/hub/x"},
			wantErr: "huggingface_hub"},
		{name: "HF_HOME with tilde", env: map[string]string{"HOME": home, "HF_HOME": "~/hf", EnvCacheDir: home + "/hf/hub/x"},
			wantErr: "huggingface_hub"},
		{name: "XDG points into the hub cache", env: map[string]string{"HOME": home, "HF_HOME": xdg, "XDG_CACHE_HOME": xdg + "/hub"},
			wantErr: "huggingface_hub"},

		{name: "HF_HOME itself is allowed", env: map[string]string{"HOME": home, "HF_HOME": "/data/hf", EnvCacheDir: "/data/hf/modelbrowser"},
			want: "/data/hf/modelbrowser"},
		{name: "a sibling named like hub is allowed", env: map[string]string{"HOME": home, "HF_HOME": "/data/hf", EnvCacheDir: "/data/hf/hubble"},
			want: "/data/hf/hubble"},
		{name: "default hub cache even when HF_HOME moves it", env: map[string]string{"HOME": home, "HF_HOME": "/data/hf", EnvCacheDir: home + "/.cache/huggingface/hub/x"},
			wantErr: "huggingface_hub"},
		{name: "default hub cache even when HF_HUB_CACHE moves it", env: map[string]string{"HOME": home, "HF_HUB_CACHE": "/models", EnvCacheDir: home + "/.cache/huggingface/hub"},
			wantErr: "huggingface_hub"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Dir(env(tc.env))
			if tc.wantErr != "" {
				require.ErrorContains(t, err, tc.wantErr)
				require.Empty(t, got)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
}

func TestDirRefusesHubCacheThroughSymlink(t *testing.T) {
	root := t.TempDir()
	hfHome := filepath.Join(root, "hf")
	require.NoError(t, os.MkdirAll(filepath.Join(hfHome, "hub"), 0o700))
	link := filepath.Join(root, "link")
	require.NoError(t, os.Symlink(filepath.Join(hfHome, "hub"), link))

	_, err := Dir(env(map[string]string{"HOME": root, "HF_HOME": hfHome, EnvCacheDir: filepath.Join(link, "not-yet-created")}))
	require.ErrorContains(t, err, "huggingface_hub")
}

func TestDirDefaultsToProcessEnvironment(t *testing.T) {
	want := filepath.Join(t.TempDir(), "mb")
	t.Setenv(EnvCacheDir, want)
	got, err := Dir(nil)
	require.NoError(t, err)
	require.Equal(t, want, got)
}

func TestDirMatchesUserCacheDir(t *testing.T) {
	t.Setenv(EnvCacheDir, "")
	t.Setenv("HF_HOME", "/nonexistent-hf-home")
	t.Setenv("HF_HUB_CACHE", "")
	t.Setenv("HUGGINGFACE_HUB_CACHE", "")
	base, err := os.UserCacheDir()
	if err != nil {
		t.Skip("no user cache directory here:", err)
	}
	got, err := Dir(os.Getenv)
	require.NoError(t, err)
	require.Equal(t, filepath.Join(base, "modelbrowser"), got)
}
