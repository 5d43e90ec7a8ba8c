package main

import (
	"errors"
	"testing"

	"github.com/ciekit/ciekit/scard/emrtd"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciekit/ciekit/internal/cli"
)

func TestPACEFlag(t *testing.T) {
	infos, err := paceInfos("cie")
	require.NoError(t, err)
	assert.Nil(t, infos)
	infos, err = paceInfos("im")
	require.NoError(t, err)
	require.Len(t, infos, 1)
	assert.Equal(t, emrtd.MappingIntegrated, infos[0].Mapping())
	infos, err = paceInfos("cam")
	require.NoError(t, err)
	require.Len(t, infos, 1)
	assert.Equal(t, emrtd.MappingChipAuthentication, infos[0].Mapping())
	_, err = paceInfos("gm")
	var ue *cli.UsageError
	require.True(t, errors.As(err, &ue))
}
